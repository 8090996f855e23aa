// swift-tools-version: 6.2
import PackageDescription

/// One package: the C client wrappers, the shared libraries, the gateway, the services,
/// the four queue workers and the operator's CLI. Dependencies point down:
/// executables → ServiceKit / WorkerRuntime → domain cores → Messaging / Storage / RedisStore / Mail → C targets.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// How the workers' release executables are linked, for their idle memory (issue 3; BENCHMARKS.md,
/// "Cold start and memory"). Most of a worker's resident memory is pages of its own executable,
/// and the kernel maps up to 16 neighbouring pages with each page a process touches (fault-around).
/// - ld.lld with `workers/startup.order` (written by `scripts/startup-order`): the functions the
///   workers run from exec to their first acked message come first in `.text`, instead of spread
///   over 30 MB of code. It orders what was compiled into a section per function: the Swift
///   runtime, stdlib and Foundation, and the package's and its dependencies' Swift code when
///   built with `-Xswiftc -Xfrontend -Xswiftc -function-sections` (the Dockerfile, scripts/bench).
/// - Packed relative relocations (DT_RELR, glibc 2.36): 3.5 MB of `.rela.dyn` the dynamic
///   loader reads at every start become a few kilobytes.
/// The symbols stay exported (`-static-stdlib` links with `--export-dynamic`): without them RSS
/// was 3 MB lower but the first ack 10-50 ms later (BENCHMARKS.md).
let workerLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld",
            "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/workers/startup.order",
            "-Xlinker", "--no-warn-symbol-ordering",
        ],
        .when(configuration: .release)
    ),
]

let package = Package(
    name: "shop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["Gateway"]),
        .executable(name: "accounts", targets: ["AccountsService"]),
        .executable(name: "catalog", targets: ["CatalogService"]),
        .executable(name: "cart", targets: ["CartService"]),
        .executable(name: "orders", targets: ["OrdersService"]),
        .executable(name: "emails", targets: ["EmailsService"]),
        .executable(name: "shopctl", targets: ["shopctl"]),
        .executable(name: "checkout", targets: ["checkout"]),
        .executable(name: "update-inventory", targets: ["update-inventory"]),
        .executable(name: "clear-cart", targets: ["clear-cart"]),
        .executable(name: "send-email", targets: ["send-email"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
    ],
    targets: [
        // MARK: C clients

        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a
        // warning; the headers are found as <hiredis/hiredis.h> and the module map links hiredis.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // Non-variadic C wrappers of rabbitmq-c that Swift can call.
        .target(name: "CAMQPShims", dependencies: ["CRabbitMQ"]),

        // MARK: Infrastructure wrappers (no C type is visible above these)

        .target(
            name: "Messaging",
            dependencies: [
                "CRabbitMQ", "CAMQPShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RedisStore",
            dependencies: [
                "CHiredis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Contracts and shared service/worker kits

        .target(name: "Contracts", swiftSettings: swiftSettings),
        .target(
            name: "ServiceKit",
            dependencies: [
                "Contracts", "Messaging", "Storage", "RedisStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WorkerRuntime",
            dependencies: [
                "Contracts", "Messaging", "ServiceKit", "Storage", "RedisStore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Domain cores: each owns one schema (or Redis keyspace) and its queries

        .target(
            name: "AccountsCore",
            dependencies: [
                "Contracts", "Storage", "RedisStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CatalogCore", dependencies: ["Contracts", "Storage", "RedisStore"], swiftSettings: swiftSettings),
        .target(name: "CartCore", dependencies: ["Contracts", "RedisStore"], swiftSettings: swiftSettings),
        .target(name: "OrdersCore", dependencies: ["Contracts", "Storage"], swiftSettings: swiftSettings),
        .target(
            name: "EmailsCore",
            dependencies: [
                "Contracts", "Storage", "Mail",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Templates")],
            swiftSettings: swiftSettings
        ),

        // MARK: The edge and the services

        .executableTarget(
            name: "Gateway",
            dependencies: [
                "ServiceKit", "RedisStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "Contracts",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "AccountsService", dependencies: ["ServiceKit", "AccountsCore", "Messaging"], swiftSettings: swiftSettings),
        .executableTarget(name: "CatalogService", dependencies: ["ServiceKit", "CatalogCore", "Messaging"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "CartService",
            dependencies: ["ServiceKit", "CartCore", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "OrdersService",
            dependencies: [
                "ServiceKit", "OrdersCore", "Messaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "EmailsService", dependencies: ["ServiceKit", "EmailsCore", "Messaging"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "shopctl",
            dependencies: [
                "AccountsCore", "CatalogCore", "OrdersCore", "EmailsCore", "Contracts", "Messaging", "ServiceKit", "WorkerRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Workers: one executable per queue, each a serverless-style function

        .executableTarget(
            name: "checkout", dependencies: ["WorkerRuntime", "OrdersCore"], path: "workers/checkout",
            swiftSettings: swiftSettings, linkerSettings: workerLinkerSettings
        ),
        .executableTarget(
            name: "update-inventory", dependencies: ["WorkerRuntime", "CatalogCore"], path: "workers/update-inventory",
            swiftSettings: swiftSettings, linkerSettings: workerLinkerSettings
        ),
        .executableTarget(
            name: "clear-cart", dependencies: ["WorkerRuntime", "CartCore"], path: "workers/clear-cart",
            swiftSettings: swiftSettings, linkerSettings: workerLinkerSettings
        ),
        .executableTarget(
            name: "send-email", dependencies: ["WorkerRuntime", "ServiceKit", "EmailsCore", "Mail"], path: "workers/send-email",
            swiftSettings: swiftSettings, linkerSettings: workerLinkerSettings
        ),

        // MARK: Benchmarks (scripts/bench, BENCHMARKS.md)

        .executableTarget(
            name: "bench-noop-worker", dependencies: ["WorkerRuntime", "ServiceKit", "Messaging", "Contracts"], path: "bench/noop-worker",
            swiftSettings: swiftSettings, linkerSettings: workerLinkerSettings
        ),
        .executableTarget(name: "bench-json-decode", dependencies: ["Contracts"], path: "bench/json-decode", swiftSettings: swiftSettings),

        // MARK: Tests

        .testTarget(
            name: "UnitTests",
            dependencies: [
                "Contracts", "Messaging", "ServiceKit", "WorkerRuntime", "Gateway", "CatalogCore", "CartCore", "EmailsCore", "Mail",
                "RedisStore", "Storage", "shopctl", "TestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Messaging", "RedisStore", "Storage", "Mail", "CatalogCore", "CartCore", "OrdersCore", "EmailsCore", "Gateway",
                "TestSupport", "WorkerRuntime", "Contracts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Contracts", "ServiceKit", "Storage", "OrdersCore", "CatalogCore", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Storage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
