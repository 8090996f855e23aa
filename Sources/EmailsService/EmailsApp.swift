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
            let database = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: bootstrap.logger)
            let tokens = try await AccessTokens(config: config)
            let controller = EmailsController(log: EmailLog(client: postgres, logger: bootstrap.logger))
            let router = bootstrap.makeRouter(tokens: tokens, readiness: [ReadinessCheck("postgres", check: postgres.isReachable)])
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4005,
                services: [postgres],
                beforeServing: { try await Migrator(client: postgres, logger: bootstrap.logger).migrate(EmailsMigrations.schema) }
            )
        }
    }
}
