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

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            return try await environment.withDatabase { database in
                let migrator = Migrator(database: database)
                var schemas: [MigrateReport.Schema] = []
                for schema in Self.schemas {
                    schemas.append(.init(schema: schema.schema, applied: try await migrator.migrate(schema)))
                }
                return MigrateReport(schemas: schemas)
            }
        }
    }
}

/// What `migrate` reports: the migrations applied to each schema.
struct MigrateReport: CommandReport {
    struct Schema: Encodable, Sendable {
        var schema: String
        /// The versions applied now; empty when the schema was up to date.
        var applied: [Int]
    }

    var schemas: [Schema]

    var text: String {
        schemas.map { "\($0.schema): \($0.applied.isEmpty ? "up to date" : "applied \($0.applied.map(String.init).joined(separator: ", "))")" }
            .joined(separator: "\n")
    }
}
