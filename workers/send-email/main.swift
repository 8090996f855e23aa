import EmailsCore
import Mail
import WorkerRuntime

await Worker.run(queue: .sendEmail) { resources in
    let mailer = try resources.mailer()
    return SendEmailHandler(
        dispatcher: EmailDispatcher(
            log: EmailLog(database: try resources.database()),
            renderer: try EmailRenderer(),
            sender: try MailAddress(parsing: resources.config.string(forKey: "mail.from", default: "Shop <shop@example.com>")),
            send: { message in try await mailer.send(message) }
        )
    )
}
