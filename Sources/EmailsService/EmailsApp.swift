import EmailsCore
import PostgresNIO
import ServiceKit
import Storage

/// The emails service: the email log. Emails themselves are sent by the `send-email` worker.
@main
struct EmailsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "emails")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let databaseConfiguration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: bootstrap.logger)
            let database = Database(client: postgres, logger: bootstrap.logger)
            let tokens = try await AccessTokens(config: config)
            let controller = EmailsController(log: EmailLog(database: database))
            let router = bootstrap.makeRouter(tokens: tokens, readiness: [ReadinessCheck("postgres", check: database.isReachable)])
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4005,
                services: [postgres],
                beforeServing: { try await Migrator(database: database).migrate(EmailsMigrations.schema) }
            )
        }
    }
}
