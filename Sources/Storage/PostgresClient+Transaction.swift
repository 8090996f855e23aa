import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction (committed if it returns, rolled back if it throws) and
    /// rethrows the error that actually happened, not postgres-nio's `PostgresTransactionError`
    /// wrapper, so callers can tell a constraint violation from a lost connection.
    public func transaction<Result>(
        logger: Logger,
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }
}
