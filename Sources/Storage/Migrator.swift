import Logging
import PostgresNIO

/// Applies a schema's pending migrations. Safe to run from many processes at once:
/// a transaction-scoped advisory lock per schema serialises them, and each migration is
/// recorded in `<schema>.schema_migrations` in the same transaction that applies it.
public struct Migrator: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Applies what is pending and returns the versions applied now.
    @discardableResult
    public func migrate(_ schema: SchemaMigrations) async throws -> [Int] {
        guard schema.schema.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            throw MigrationError(schema: schema.schema, version: nil, reason: "schema names are letters and underscores only")
        }
        let name = schema.schema
        let logger = database.logger
        return try await database.transaction { connection in
            let lockKey = "shop.migrations.\(name)"
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))")
            try await Self.execute(
                """
                CREATE SCHEMA IF NOT EXISTS \(name);
                CREATE TABLE IF NOT EXISTS \(name).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """,
                on: connection
            )
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT version FROM \(name).schema_migrations"))
            let applied = Set(try rows.decode(Int.self))
            var appliedNow: [Int] = []
            for migration in schema.migrations where !applied.contains(migration.version) {
                do {
                    try await Self.execute(migration.sql, on: connection)
                } catch {
                    throw MigrationError(schema: name, version: migration.version, reason: String(reflecting: error))
                }
                var binds = PostgresBindings()
                binds.append(migration.version)
                binds.append(migration.name)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "INSERT INTO \(name).schema_migrations (version, name) VALUES ($1, $2)", binds: binds)
                )
                appliedNow.append(migration.version)
                logger.info(
                    "applied migration",
                    metadata: ["schema": "\(name)", "version": "\(migration.version)", "migration": "\(migration.name)"]
                )
            }
            return appliedNow
        }
    }

    /// Runs each statement of `script` in turn (one prepared statement each).
    private static func execute(_ script: String, on connection: DatabaseConnection) async throws {
        for statement in SQLScript.statements(in: script) {
            try await connection.query(PostgresQuery(unsafeSQL: statement))
        }
    }
}

/// A migration failed; nothing of it (or of the ones after it in that run) was applied.
public struct MigrationError: Error, CustomStringConvertible {
    public var schema: String
    public var version: Int?
    public var reason: String

    public var description: String {
        "migration of schema \(schema)\(version.map { " to version \($0)" } ?? "") failed: \(reason)"
    }
}
