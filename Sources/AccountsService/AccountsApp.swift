import AccountsCore
import NIOPosix
import PostgresNIO
import ServiceKit
import Storage

/// The accounts service: users, passwords, access tokens. Owns the `accounts` schema.
@main
struct AccountsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "accounts")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let database = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: bootstrap.logger)
            let tokens = try await AccessTokens(config: config)
            let cost = try config.integer("bcrypt.cost", default: 12, in: 4...31)
            let hashing = NIOThreadPool(numberOfThreads: 2)
            hashing.start()

            let controller = AccountsController(
                users: UserRepository(client: postgres, logger: bootstrap.logger),
                hasher: PasswordHasher(cost: cost, threadPool: hashing),
                tokens: tokens
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: [ReadinessCheck("postgres", check: postgres.isReachable)])
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4001,
                services: [postgres],
                beforeServing: { try await Migrator(client: postgres, logger: bootstrap.logger).migrate(AccountsMigrations.schema) }
            )
        }
    }
}
