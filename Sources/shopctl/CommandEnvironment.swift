import Configuration
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import Storage

/// What every shopctl command starts from: settings from the environment, a logger on
/// standard error, and clients that run only while the command does.
struct CommandEnvironment {
    let config: ConfigReader
    let logger: Logger

    init() {
        config = ConfigReader.fromEnvironment()
        var logger = Logger(label: "shopctl") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        logger.logLevel = .info
        self.logger = logger
    }

    /// Runs `body` with the PostgreSQL database (`DATABASE_URL`), its client running meanwhile.
    func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let configuration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true), maximumConnections: 4)
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(Database(client: client, logger: logger))
        }
    }
}
