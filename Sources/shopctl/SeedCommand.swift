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

    func run() async throws {
        let environment = CommandEnvironment()
        let config = environment.config
        let email = try config.required("admin.email")
        let password = try config.required("admin.password", isSecret: true)
        guard password.utf8.count >= 8 else {
            throw ValidationError("ADMIN_PASSWORD must be at least 8 bytes long")
        }
        let hasher = PasswordHasher(cost: try config.integer("bcrypt.cost", default: 12, in: 4...31), threadPool: .singleton)
        let passwordHash = try await hasher.hash(password)
        let adminOnly = self.adminOnly
        try await environment.withPostgres { client in
            let admin = try await UserRepository(client: client, logger: environment.logger)
                .upsertAdmin(email: email, name: "Administrator", passwordHash: passwordHash)
            print("admin: \(admin.email) (\(admin.id.uuidString))")
            guard !adminOnly else { return }
            let products = ProductRepository(client: client, logger: environment.logger)
            var created = 0
            for product in DemoCatalog.products where try await products.find(sku: product.sku) == nil {
                if try await products.create(product, reason: "demo catalog seed") != nil {
                    created += 1
                }
            }
            print("catalog: \(created) demo product\(created == 1 ? "" : "s") created, \(DemoCatalog.products.count - created) already there")
        }
    }
}
