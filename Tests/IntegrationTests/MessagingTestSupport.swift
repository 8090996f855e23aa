import Foundation
import Logging
import Messaging
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The broker the Messaging integration tests talk to, from the environment scripts/test sets.
enum MessagingTestBroker {
    /// `AMQP_URL`; the test fails (never skips) when it is missing.
    static func url() throws -> String {
        let url = ProcessInfo.processInfo.environment["AMQP_URL"] ?? ""
        try #require(!url.isEmpty, "AMQP_URL is not set: run scripts/test, which starts RabbitMQ and exports it")
        return url
    }

    /// A configuration for a connection with a unique, recognisable name.
    static func configuration(name: String, heartbeat: Duration = .seconds(30)) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: url(), connectionName: "messaging-test-\(name)-\(UUID().uuidString.prefix(8))")
        configuration.heartbeat = heartbeat
        configuration.reconnectMaxDelay = .seconds(1)
        return configuration
    }

    /// A queue name no other test uses.
    static func uniqueQueue(_ purpose: String) -> String {
        "msgtest.\(purpose).\(UUID().uuidString.prefix(8).lowercased())"
    }

    static let logger: Logger = {
        var logger = Logger(label: "messaging-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    /// Runs `body` with a running connection, then shuts the connection down gracefully.
    static func withConnection<Result: Sendable>(
        _ configuration: AMQPConfiguration,
        _ body: @Sendable (AMQPConnection) async throws -> Result
    ) async throws -> Result {
        let connection = AMQPConnection(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            do {
                let result = try await body(connection)
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Consumes `queue` in a child task while `body` runs, collecting deliveries; cancelling
    /// the child at the end cancels the consumer.
    static func withConsumer<Result: Sendable>(
        _ connection: AMQPConnection, queue: String, prefetch: UInt16 = 100,
        _ body: @Sendable (DeliveryCollector) async throws -> Result
    ) async throws -> Result {
        let collector = DeliveryCollector()
        let stream = connection.consume(queue: queue, prefetch: prefetch)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await delivery in stream { collector.append(delivery) }
                collector.markEnded()
            }
            defer { group.cancelAll() }
            return try await body(collector)
        }
    }

    /// Polls `condition` every 20 ms until it holds, failing the test after `timeout`.
    static func eventually(
        _ what: @autoclosure () -> String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out after \(timeout) waiting for: \(what())")
                throw TimedOut(what: what())
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct TimedOut: Error {
        let what: String
    }
}

/// Deliveries a consumer stream yielded, in order.
final class DeliveryCollector: Sendable {
    private let state = Mutex<(deliveries: [Delivery], ended: Bool)>(([], false))

    func append(_ delivery: Delivery) {
        state.withLock { $0.deliveries.append(delivery) }
    }

    func markEnded() {
        state.withLock { $0.ended = true }
    }

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    var count: Int { state.withLock { $0.deliveries.count } }
    var ended: Bool { state.withLock { $0.ended } }

    /// Hands each delivery to `handle` as it arrives (e.g. to acknowledge it, so that more
    /// than `prefetch` can arrive) until `count` have; returns them all.
    func process(_ count: Int, timeout: Duration = .seconds(30), _ handle: (Delivery) async throws -> Void) async throws -> [Delivery] {
        var handled = 0
        try await MessagingTestBroker.eventually("\(count) deliveries (have \(self.count))", timeout: timeout) {
            let all = deliveries
            for delivery in all[handled...] { try await handle(delivery) }
            handled = all.count
            return handled >= count
        }
        return deliveries
    }

    /// Waits until at least `count` deliveries arrived and returns them.
    func wait(for count: Int, timeout: Duration = .seconds(20)) async throws -> [Delivery] {
        try await MessagingTestBroker.eventually("\(count) deliveries (have \(self.count))", timeout: timeout) {
            self.count >= count
        }
        return deliveries
    }
}

/// Closes connections from the broker's side, as a broker restart or an operator would.
///
/// Uses the management API when `RABBITMQ_MANAGEMENT_URL` is set (e.g.
/// `http://127.0.0.1:15672`, with the credentials of `AMQP_URL` unless it has its own), else `rabbitmqctl` against `RABBITMQ_NODENAME`
/// (with `RABBITMQ_ERLANG_COOKIE` if the node's cookie is not the caller's). It closes only the
/// connections with the given name, so tests running beside it are not disturbed.
enum BrokerSideControl {
    static func closeConnections(named name: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        if let management = environment["RABBITMQ_MANAGEMENT_URL"], !management.isEmpty {
            try await closeWithManagementAPI(baseURL: management, name: name)
        } else if let node = environment["RABBITMQ_NODENAME"], !node.isEmpty {
            try closeWithRabbitmqctl(node: node, cookie: environment["RABBITMQ_ERLANG_COOKIE"], name: name)
        } else {
            try #require(
                Bool(false),
                "set RABBITMQ_MANAGEMENT_URL or RABBITMQ_NODENAME to let the reconnect test close connections: run scripts/test"
            )
        }
    }

    private static func closeWithManagementAPI(baseURL: String, name: String) async throws {
        var components = try #require(URLComponents(string: baseURL), "RABBITMQ_MANAGEMENT_URL is not a URL")
        // Without credentials in the URL, the management API takes the AMQP user's.
        let amqp = ProcessInfo.processInfo.environment["AMQP_URL"].flatMap(URLComponents.init(string:))
        let user = components.user ?? amqp?.user ?? "guest"
        let password = components.password ?? amqp?.password ?? "guest"
        components.user = nil
        components.password = nil
        let base = try #require(components.url)
        let authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()

        // The management API lists a new connection only after its next statistics emission
        // (every 5 s by default): poll for it.
        var matching: [String] = []
        try await MessagingTestBroker.eventually("the management API to list connection \(name)", timeout: .seconds(15)) {
            var listRequest = URLRequest(url: base.appendingPathComponent("api/connections"))
            listRequest.setValue(authorization, forHTTPHeaderField: "Authorization")
            let (body, _) = try await URLSession.shared.data(for: listRequest)
            let connections = try JSONSerialization.jsonObject(with: body) as? [[String: Any]] ?? []
            matching = connections.compactMap { connection -> String? in
                guard connection["user_provided_name"] as? String == name else { return nil }
                return connection["name"] as? String
            }
            return !matching.isEmpty
        }
        for connectionName in matching {
            let escaped = try #require(connectionName.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            var request = URLRequest(url: URL(string: base.absoluteString.trimmingSuffix("/") + "/api/connections/" + escaped)!)
            request.httpMethod = "DELETE"
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
            request.setValue("closed by the Messaging reconnect test", forHTTPHeaderField: "X-Reason")
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            try #require((200..<300).contains(status), "closing \(connectionName) answered HTTP \(status)")
        }
    }

    private static func closeWithRabbitmqctl(node: String, cookie: String?, name: String) throws {
        var common = ["-n", node]
        if let cookie, !cookie.isEmpty { common += ["--erlang-cookie", cookie] }
        // client_properties prints as [{"product","..."}, ..., {"connection_name","NAME"}]
        let listing = try run(common + ["list_connections", "--no-table-headers", "--silent", "pid", "client_properties"])
        let pids = listing.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("{\"connection_name\",\"\(name)\"}") else { return nil }
            return line.split(separator: "\t").first.map(String.init)
        }
        try #require(!pids.isEmpty, "rabbitmqctl lists no connection named \(name): \(listing)")
        for pid in pids {
            _ = try run(common + ["close_connection", pid, "closed by the Messaging reconnect test"])
        }
    }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/rabbitmqctl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        try #require(process.terminationStatus == 0, "rabbitmqctl \(arguments.joined(separator: " ")) failed: \(text)")
        return text
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
