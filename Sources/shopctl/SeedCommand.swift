import AccountsCore
import ArgumentParser
import CatalogCore
import NIOPosix
import ServiceKit

/// `shopctl seed`: the first admin (from `ADMIN_EMAIL` and `ADMIN_PASSWORD`) and the demo
/// catalog. Idempotent: existing products (by SKU) are left as they are.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Create the admin user and the demo catalog.")

    @Flag(help: "Only the admin user, no demo products.")
    var adminOnly = false

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let adminOnly = self.adminOnly
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let config = environment.config
            let email = try config.required("admin.email")
            let password = try config.required("admin.password", isSecret: true)
            guard password.utf8.count >= 8 else {
                throw ShopctlError.failure("ADMIN_PASSWORD must be at least 8 bytes long")
            }
            let hasher = PasswordHasher(cost: try config.integer("bcrypt.cost", default: 12, in: 4...31), threadPool: .singleton)
            let passwordHash = try await hasher.hash(password)
            return try await environment.withDatabase { database in
                let admin = try await UserRepository(database: database)
                    .upsertAdmin(email: email, name: "Administrator", passwordHash: passwordHash)
                var report = SeedReport(adminEmail: admin.email, adminID: admin.id.uuidString, productsCreated: nil, productsExisting: nil)
                guard !adminOnly else { return report }
                let products = ProductRepository(database: database)
                var created = 0
                for product in DemoCatalog.products where try await products.find(sku: product.sku) == nil {
                    if try await products.create(product, reason: "demo catalog seed") != nil {
                        created += 1
                    }
                }
                report.productsCreated = created
                report.productsExisting = DemoCatalog.products.count - created
                return report
            }
        }
    }
}

/// What `seed` reports.
struct SeedReport: CommandReport {
    var adminEmail: String
    var adminID: String
    /// Demo products created now; nil with `--admin-only`.
    var productsCreated: Int?
    /// Demo products that were there already; nil with `--admin-only`.
    var productsExisting: Int?

    var text: String {
        var lines = ["admin: \(adminEmail) (\(adminID))"]
        if let productsCreated, let productsExisting {
            lines.append("catalog: \(productsCreated) demo product\(productsCreated == 1 ? "" : "s") created, \(productsExisting) already there")
        }
        return lines.joined(separator: "\n")
    }
}
