import Contracts
import EmailsCore
import Messaging
import ServiceKit
import Storage

/// The emails service: the email log, and emails admins send by hand through the
/// `send-email` queue. Emails themselves are sent by the `send-email` worker.
@main
struct EmailsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "emails")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let resources = bootstrap.resources()
            let database = try resources.database()
            let amqp = try resources.amqp(connectionName: "emails")
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let emailQueue = try queues.policy(for: QueueName.sendEmail.rawValue)
            let tokens = try await AccessTokens(config: config)
            let controller = EmailsController(
                log: EmailLog(database: database), renderer: try EmailRenderer(), publisher: MessagePublisher(connection: amqp))
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4005,
                services: resources.services,
                beforeServing: {
                    try await Migrator(database: database).migrate(EmailsMigrations.schema)
                    try await amqp.declare(emailQueue.declarations)
                }
            )
        }
    }
}
