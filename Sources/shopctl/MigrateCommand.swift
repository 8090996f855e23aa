import AccountsCore
import ArgumentParser
import CatalogCore
import EmailsCore
import OrdersCore
import Storage

/// `shopctl migrate`: applies every service's pending migrations (each service also applies
/// its own at start). Safe to run concurrently and repeatedly.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending schema migrations of every service.")

    static let schemas: [SchemaMigrations] = [
        AccountsMigrations.schema, CatalogMigrations.schema, OrdersMigrations.schema, EmailsMigrations.schema,
    ]

    func run() async throws {
        let environment = CommandEnvironment()
        try await environment.withPostgres { client in
            let migrator = Migrator(client: client, logger: environment.logger)
            for schema in Self.schemas {
                let applied = try await migrator.migrate(schema)
                print("\(schema.schema): \(applied.isEmpty ? "up to date" : "applied \(applied.map(String.init).joined(separator: ", "))")")
            }
        }
    }
}
