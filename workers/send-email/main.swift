import EmailsCore
import Mail
import WorkerRuntime

await Worker.run(queue: .sendEmail) { resources in
    SendEmailHandler(
        log: EmailLog(client: try resources.postgres(), logger: resources.logger),
        renderer: try EmailRenderer(),
        mailer: try resources.mailer(),
        sender: try MailAddress(parsing: resources.config.string(forKey: "mail.from", default: "Shop <shop@example.com>"))
    )
}
