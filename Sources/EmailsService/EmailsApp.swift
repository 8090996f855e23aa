import EmailsCore
import ServiceKit
import Storage

/// The emails service: the email log. Emails themselves are sent by the `send-email` worker.
@main
struct EmailsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "emails")
        await bootstrap.runOrExit {
            let resources = bootstrap.resources()
            let database = try resources.database()
            let tokens = try await AccessTokens(config: bootstrap.config)
            let controller = EmailsController(log: EmailLog(database: database))
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4005,
                services: resources.services,
                beforeServing: { try await Migrator(database: database).migrate(EmailsMigrations.schema) }
            )
        }
    }
}
