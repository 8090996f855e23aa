import AccountsCore
import NIOPosix
import ServiceKit
import Storage

/// The accounts service: users, passwords, access tokens. Owns the `accounts` schema.
@main
struct AccountsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "accounts")
        await bootstrap.runOrExit {
            let resources = bootstrap.resources()
            let database = try resources.database()
            let tokens = try await AccessTokens(config: bootstrap.config)
            let cost = try bootstrap.config.integer("bcrypt.cost", default: 12, in: 4...31)
            let hashing = NIOThreadPool(numberOfThreads: 2)
            hashing.start()

            let controller = AccountsController(
                users: UserRepository(database: database),
                hasher: PasswordHasher(cost: cost, threadPool: hashing),
                tokens: tokens
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4001,
                services: resources.services,
                beforeServing: { try await Migrator(database: database).migrate(AccountsMigrations.schema) }
            )
        }
    }
}
