import Foundation
import Logging
import Messaging
import ServiceKit

extension CommandEnvironment {
    /// The AMQP connection settings (`AMQP_URL`), named after the command in the management UI.
    func amqpConfiguration(command: String) throws -> AMQPConfiguration {
        let url = try config.required("amqp.url", isSecret: true)
        let process = ProcessInfo.processInfo
        var configuration = try AMQPConfiguration(
            url: url, connectionName: "shopctl \(command)@\(process.hostName):\(process.processIdentifier)"
        )
        // An operator waits for an answer: a broker that is down should fail the command
        // within seconds, not after a long reconnect schedule.
        configuration.connectionWaitTimeout = .seconds(
            try config.integer("shopctl.connectTimeoutSeconds", default: 10, in: 1...300)
        )
        configuration.reconnectMaxDelay = .seconds(1)
        return configuration
    }

    /// Runs `body` with an AMQP connection (`AMQP_URL`) that runs, as a service in a small
    /// task group, only while `body` does. When `body` returns or throws, the connection shuts
    /// down gracefully (outstanding confirms awaited, channels closed) before this returns;
    /// deliveries still unsettled then go back to their queues.
    func withAMQP<T: Sendable>(command: String, _ body: @Sendable (AMQPConnection) async throws -> T) async throws -> T {
        let connection = AMQPConnection(configuration: try amqpConfiguration(command: command), logger: amqpLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            defer { group.cancelAll() }
            do {
                return try await body(connection)
            } catch let error as AMQPError {
                throw ShopctlError.failure("RabbitMQ (\(connection.configuration)): \(error)")
            }
        }
    }

    /// The connection's logger: the driver's routine notices (connecting, closing) are noise
    /// in a command's output, so only warnings and errors show unless `LOG_LEVEL` asks for
    /// debug or trace (or only errors).
    private var amqpLogger: Logger {
        var logger = logger
        let requested = config.string(forKey: "log.level").flatMap { Logger.Level(rawValue: $0.lowercased()) }
        if let requested, requested <= .debug || requested > .warning {
            logger.logLevel = requested
        } else {
            logger.logLevel = .warning
        }
        return logger
    }
}
