import EmailsCore
import Mail
import WorkerRuntime

await Worker.run(queue: .sendEmail) { resources in
    SendEmailHandler(
        log: EmailLog(database: try resources.database()),
        renderer: try EmailRenderer(),
        mailer: try resources.mailer(),
        sender: try MailAddress(parsing: resources.config.string(forKey: "mail.from", default: "Shop <shop@example.com>"))
    )
}
