import Foundation
import Logging
import Messaging
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Every shopctl integration suite, one test at a time: each test runs the binary several
/// times, and all of them at once would starve the timing-sensitive worker runtime tests that
/// run beside them (2 cores).
@Suite("shopctl against the test stack", .serialized)
struct ShopctlIntegrationTests {}

/// Runs the built `shopctl` executable as an operator would, against the test stack.
///
/// The binary is `$SHOPCTL_BIN` when set, else `shopctl` next to the test bundle (both sit in
/// `$(swift build --show-bin-path)`, which `swift build --build-tests` fills).
enum Shopctl {
    /// The outcome of one run.
    struct Result: Sendable, CustomStringConvertible {
        var exitCode: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as one JSON object.
        func json() throws -> [String: Any] {
            let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(value as? [String: Any], "stdout is not one JSON object: \(stdout)")
        }

        var description: String { "exit \(exitCode)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// The shopctl executable.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SHOPCTL_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .map(URL.init(fileURLWithPath:)) ?? Bundle.main.executableURL
        let directory = try #require(testExecutable, "cannot locate the test bundle; set SHOPCTL_BIN").deletingLastPathComponent()
        let binary = directory.appendingPathComponent("shopctl")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "no shopctl executable at \(binary.path): build it with swift build --build-tests (scripts/test does), or set SHOPCTL_BIN"
        )
        return binary
    }

    /// Runs `shopctl arguments` with the test process's environment plus `environment`
    /// (a nil value removes a variable), waiting without blocking a cooperative thread.
    static func run(_ arguments: [String], environment: [String: String?] = [:], stdin: String? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in environment { variables[key] = value }
        process.environment = variables

        // Files, not pipes: a pipe would stall a process whose output outgrows its buffer.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopctl-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = directory.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }

        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(
            exitCode: exitCode,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}

/// A work queue of the test's own, in a `queues.yaml` of its own, so the running workers
/// are never disturbed: `shopctl-test-<8 hex>` with one retry delay (1 s), its retry queue and
/// its dead-letter queue.
struct ShopctlTestTopology: Sendable {
    let name: String
    let policy: QueuePolicy
    let configPath: String

    var deadLetterQueue: String { policy.deadLetterQueue }
    var retryQueue: String { policy.retryQueue(forAttempt: 2) }
    var allQueues: [String] { policy.declarations.map(\.name) }

    init(_ purpose: String) throws {
        // shopctl reads these from the environment it inherits: fail with the way to set them.
        _ = try ShopctlBroker.amqpURL()
        _ = try ShopctlManagement.baseURL()
        name = "shopctl-test-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
        let yaml = """
            defaults:
              maxAttempts: 2
              deliveryLimit: 10
              backoff: { initial: 1s, multiplier: 2, max: 1s, jitter: 0 }
            queues:
              \(name): {}
            """
        configPath = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).queues.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: configPath))
        policy = try QueuesConfiguration(yaml: yaml).policy(for: name)
    }

    /// The environment that points shopctl at this topology.
    var environment: [String: String?] { ["QUEUES_CONFIG": configPath] }

    /// Runs `shopctl arguments` with this topology.
    func shopctl(_ arguments: [String], environment extra: [String: String?] = [:], stdin: String? = nil) async throws -> Shopctl.Result {
        try await Shopctl.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
    }

    /// Runs `body` with a new topology, then deletes its queues (also when `body` throws).
    static func with<T>(_ purpose: String, _ body: (ShopctlTestTopology) async throws -> T) async throws -> T {
        let topology = try ShopctlTestTopology(purpose)
        do {
            let result = try await body(topology)
            try await topology.remove()
            return result
        } catch {
            try? await topology.remove()
            throw error
        }
    }

    /// Deletes the queues and the temporary `queues.yaml`.
    func remove() async throws {
        let queues = allQueues
        try await ShopctlBroker.withConnection { connection in
            for queue in queues { try await connection.deleteQueue(queue) }
        }
        try? FileManager.default.removeItem(atPath: configPath)
    }
}

/// The test stack's RabbitMQ, for setting up and checking what shopctl does.
enum ShopctlBroker {
    static func amqpURL() throws -> String {
        let url = ProcessInfo.processInfo.environment["AMQP_URL"] ?? ""
        try #require(!url.isEmpty, "AMQP_URL is not set: run scripts/test, which starts RabbitMQ and exports it")
        return url
    }

    /// Runs `body` with a connection of the test's own.
    static func withConnection<T: Sendable>(_ body: @Sendable (AMQPConnection) async throws -> T) async throws -> T {
        var logger = Logger(label: "shopctl-tests")
        logger.logLevel = .warning
        let configuration = try AMQPConfiguration(url: amqpURL(), connectionName: "shopctl-tests-\(UUID().uuidString.prefix(8))")
        let connection = AMQPConnection(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            defer { group.cancelAll() }
            return try await body(connection)
        }
    }

    /// A message as the worker runtime dead-letters it: its properties and the runtime's
    /// failure headers, published straight to `queue`.
    static func deadLettered(
        _ index: Int, queue: String, workQueue: String, type: String = "test.event", attempt: Int64 = 2
    ) -> OutgoingMessage {
        var properties = MessageProperties()
        properties.messageID = "dead-\(index)-\(UUID().uuidString.prefix(6).lowercased())"
        properties.correlationID = "order-\(index)"
        properties.type = type
        properties.timestamp = Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
        properties.headers = [
            "x-attempt": .int(attempt),
            "x-failure-reason": .string("handler failed on message \(index): the provider said no"),
            "x-failed-at": .string("2025-01-0\(index % 9 + 1)T10:00:00Z"),
            "x-failures": .array([.string("2025-01-0\(index % 9 + 1)T09:59:59.500Z"), .string("2025-01-0\(index % 9 + 1)T10:00:00Z")]),
            "x-failed-by": .string("\(workQueue)@test-host:4242"),
            "x-original-queue": .string(workQueue),
            "traceparent": .string("00-\(String(repeating: "a", count: 32))-\(String(repeating: "b", count: 16))-01"),
        ]
        let body = #"{"index":\#(index),"note":"\#(String(repeating: "x", count: 300))"}"#
        return OutgoingMessage(routingKey: queue, body: Array(body.utf8), properties: properties)
    }

    /// Takes every message of `queue` (acknowledging them), oldest first, waiting up to
    /// `timeout` for at least `count`.
    static func drain(_ queue: String, expecting count: Int, timeout: Duration = .seconds(10)) async throws -> [Delivery] {
        try await withConnection { connection in
            var taken: [Delivery] = []
            let deadline = ContinuousClock.now + timeout
            while true {
                while let delivery = try await connection.get(queue: queue) {
                    taken.append(delivery)
                    try await connection.ack(delivery)
                }
                if taken.count >= count || ContinuousClock.now >= deadline { return taken }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The ready messages of `queue` (passive declare), nil if it does not exist.
    static func readyCount(_ queue: String) async throws -> Int? {
        try await withConnection { try await $0.queueState(queue)?.messageCount }
    }
}

/// The test stack's management API (`RABBITMQ_MANAGEMENT_URL`, the AMQP user's credentials).
enum ShopctlManagement {
    static func baseURL() throws -> String {
        let url = ProcessInfo.processInfo.environment["RABBITMQ_MANAGEMENT_URL"] ?? ""
        try #require(!url.isEmpty, "RABBITMQ_MANAGEMENT_URL is not set: run scripts/test, which starts RabbitMQ and exports it")
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Sends `method path` with a JSON body and returns the HTTP status.
    @discardableResult
    static func send(_ method: String, _ path: String, json: String? = nil) async throws -> Int {
        let amqp = try #require(URLComponents(string: try ShopctlBroker.amqpURL()))
        var request = URLRequest(url: try #require(URL(string: try baseURL() + path)))
        request.httpMethod = method
        let credentials = "\(amqp.user ?? "guest"):\(amqp.password ?? "guest")"
        request.setValue("Basic " + Data(credentials.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

extension Delivery {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
