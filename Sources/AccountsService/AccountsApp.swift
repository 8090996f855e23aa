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
            let databaseConfiguration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: bootstrap.logger)
            let database = Database(client: postgres, logger: bootstrap.logger)
            let tokens = try await AccessTokens(config: config)
            let cost = try config.integer("bcrypt.cost", default: 12, in: 4...31)
            let hashing = NIOThreadPool(numberOfThreads: 2)
            hashing.start()

            let controller = AccountsController(
                users: UserRepository(database: database),
                hasher: PasswordHasher(cost: cost, threadPool: hashing),
                tokens: tokens
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: [ReadinessCheck("postgres", check: database.isReachable)])
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4001,
                services: [postgres],
                beforeServing: { try await Migrator(database: database).migrate(AccountsMigrations.schema) }
            )
        }
    }
}
