/// One step of a schema's history. Applied once, in `version` order, inside a transaction.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    /// One or more SQL statements. Names must be qualified with the schema.
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// The migrations of one schema: each service owns exactly one.
public struct SchemaMigrations: Sendable {
    public var schema: String
    public var migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        precondition(
            Set(migrations.map(\.version)).count == migrations.count,
            "migration versions of schema \(schema) must be unique"
        )
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }
}
