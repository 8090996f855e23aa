import Logging
import PostgresNIO
import Storage

/// The test stack's PostgreSQL, with a client that runs for the duration of `body`.
public enum TestDatabase {
    public static func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let configuration = try DatabaseConfiguration(url: try TestEnvironment.databaseURL, maximumConnections: 8)
        let client = PostgresClient(configuration: configuration.clientConfiguration)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(Database(client: client, logger: logger))
        }
    }

    /// A logger for repositories under test (quiet unless something goes wrong).
    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }
}
