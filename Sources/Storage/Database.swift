import Logging
import PostgresNIO

/// The PostgreSQL database of a process: postgres-nio's pooled client, with every operation
/// guarded against its connection closing underneath it (see ``ClosedConnectionGuard``).
///
/// Queries return all their rows (`[PostgresRow]`), read while the connection is held, so
/// no row stream outlives its connection's lease.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.query(query)
        }
    }

    /// Runs `body` with one connection of the pool, for statements that share a session.
    public func withConnection<Result: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await ClosedConnectionGuard.run(on: connection) {
                try await body(DatabaseConnection(connection: connection, logger: logger))
            }
        }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws. Rethrows
    /// the error that actually happened (not postgres-nio's `PostgresTransactionError`), so
    /// callers can tell a constraint violation from a lost connection.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await ClosedConnectionGuard.run(on: connection) {
                do {
                    return try await connection.withTransaction(logger: logger) { transaction in
                        try await body(DatabaseConnection(connection: transaction, logger: logger))
                    }
                } catch let error as PostgresTransactionError {
                    throw error.closureError ?? error.beginError ?? error.commitError ?? error
                }
            }
        }
    }

    /// Whether the server answers a trivial query now: for `/ready`.
    public func isReachable() async -> Bool {
        do {
            try await query("SELECT 1")
            return true
        } catch {
            return false
        }
    }
}

/// One leased connection (inside ``Database/withConnection(_:)`` or a transaction).
public struct DatabaseConnection: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }
}

extension Array where Element == PostgresRow {
    /// Each row's one column, e.g. `rows.decode(Int.self)`.
    public func decode<Column: PostgresDecodable>(_ column: Column.Type) throws -> [Column] {
        try map { try $0.decode(Column.self) }
    }

    /// Each row decoded as the given columns, e.g. `rows.decode((UUID, String).self)`.
    public func decode<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(columns) }
    }
}
