import Configuration
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus
import ServiceLifecycle

/// What every shop process sets up once at start: its settings from the environment,
/// logging, metrics, and the standard HTTP router with request ids, access logs,
/// problem+json errors, authentication and the health routes.
public struct ServiceBootstrap: Sendable {
    /// The process's name: `accounts`, `checkout`...
    public let name: String
    public let config: ConfigReader
    public let logger: Logger
    public let metrics: PrometheusCollectorRegistry

    /// Reads the environment and bootstraps logging and metrics. Call once, first thing in `main`.
    /// Unless `TZ` is set, the process keeps time in UTC (``ProcessTimeZone``).
    public init(name: String) {
        ProcessTimeZone.defaultToUTC()
        self.name = name
        self.config = ConfigReader.fromEnvironment()
        self.logger = LoggingSetup.bootstrap(service: name, config: config)
        self.metrics = MetricsSetup.bootstrap()
    }

    /// Where the process gets its clients from (each once, from the environment).
    public func resources() -> ProcessResources {
        ProcessResources(config: config, logger: logger)
    }

    /// The router every service starts from; see ``ShopRouter/make(metrics:tokens:readiness:)``.
    public func makeRouter(tokens: AccessTokens?, readiness: [ReadinessCheck]) -> Router<ShopRequestContext> {
        ShopRouter.make(metrics: metrics, tokens: tokens, readiness: readiness)
    }

    /// Serves `router` on `HTTP_HOST:HTTP_PORT` (default port `defaultPort`) together with
    /// `services`, until SIGTERM or SIGINT; then shuts down gracefully: the server stops
    /// first, then `services` in reverse order.
    /// `beforeServing` runs once the services are up and before the port opens (migrations).
    /// `server` is the HTTP server's configuration (the gateway sets client timeouts).
    ///
    /// Started with `--routes`, the process instead prints the routes `router` serves, one
    /// `METHOD /path` per line (path parameters as `{name}`, like `openapi.yaml`), and returns:
    /// `scripts/check-openapi` compares them with the contract.
    public func run(
        router: Router<ShopRequestContext>,
        defaultPort: Int,
        services: [any Service],
        server: HTTPServerBuilder = .http1(),
        beforeServing: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        if CommandLine.arguments.dropFirst().contains("--routes") {
            print(Self.routeList(router).joined(separator: "\n"))
            return
        }
        let settings = try HTTPServerSettings(config: config, defaultPort: defaultPort)
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            services: services,
            logger: logger
        )
        if let beforeServing {
            app.beforeServerStarts(perform: beforeServing)
        }
        logger.info("starting", metadata: ["http.host": "\(settings.host)", "http.port": "\(settings.port)"])
        try await app.runService()
    }

    /// Runs `body`; if it throws (a bad setting, a failed migration), logs why and exits with
    /// status 1 instead of crashing.
    public func runOrExit(_ body: @Sendable () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.critical("cannot run", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// `METHOD /path` for each route of `router`, sorted (a capture prints as `{name}`).
    static func routeList(_ router: Router<ShopRequestContext>) -> [String] {
        router.routes.map { route in
            "\(route.method.rawValue) /\(route.path.components.map(\.description).joined(separator: "/"))"
        }
        .sorted()
    }
}
