import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

@Suite("Migrations (PostgreSQL)")
struct MigratorTests {
    @Test func migrationsApplyOnceEvenWhenRunConcurrently() async throws {
        try await TestDatabase.withDatabase { database in
            let schema = "it_\(UUID().uuidString.prefix(8).lowercased().filter(\.isLetter))_migrations"
            let migrations = SchemaMigrations(
                schema: schema,
                migrations: [
                    Migration(version: 2, name: "second", sql: "INSERT INTO \(schema).things (name) VALUES ('two');"),
                    Migration(version: 1, name: "first", sql: "CREATE TABLE \(schema).things (name text); INSERT INTO \(schema).things VALUES ('one');"),
                ]
            )
            let migrator = Migrator(database: database)
            let runs = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<5 {
                    group.addTask { try await migrator.migrate(migrations) }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(runs.filter { $0 == [1, 2] }.count == 1)
            #expect(runs.filter(\.isEmpty).count == 4)
            let rows = try await database.query(PostgresQuery(unsafeSQL: "SELECT name FROM \(schema).things ORDER BY name"))
            var names: [String] = []
            for name in try rows.decode(String.self) { names.append(name) }
            #expect(names == ["one", "two"])
            try await database.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
        }
    }

    @Test func aFailingMigrationAppliesNothing() async throws {
        try await TestDatabase.withDatabase { database in
            let schema = "it_\(UUID().uuidString.prefix(8).lowercased().filter(\.isLetter))_broken"
            let migrations = SchemaMigrations(
                schema: schema,
                migrations: [
                    Migration(version: 1, name: "good", sql: "CREATE TABLE \(schema).things (name text);"),
                    Migration(version: 2, name: "bad", sql: "INSERT INTO \(schema).nope VALUES (1);"),
                ]
            )
            await #expect(throws: MigrationError.self) {
                try await Migrator(database: database).migrate(migrations)
            }
            let rows = try await database.query("SELECT count(*)::int FROM information_schema.schemata WHERE schema_name = \(schema)")
            for count in try rows.decode(Int.self) {
                #expect(count == 0, "a failed run left its schema behind")
            }
        }
    }
}
