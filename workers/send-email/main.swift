import EmailsCore
import Mail
import ServiceKit
import WorkerRuntime

await Worker.run(queue: .sendEmail) { resources in
    var smtp = try SMTPConfiguration(url: try resources.config.required("smtp.url", isSecret: true))
    smtp.certificateAuthorityFile = resources.config.string(forKey: "smtp.caFile").flatMap { $0.isEmpty ? nil : $0 }
    let mailer = try SMTPMailer(configuration: smtp, logger: resources.logger)
    return SendEmailHandler(
        dispatcher: EmailDispatcher(
            log: EmailLog(
                database: try resources.database(),
                attemptLease: .seconds(
                    try resources.config.integer(
                        "email.claimLeaseSeconds", default: Int(EmailLog.defaultAttemptLease.components.seconds), in: 5...86_400)
                )
            ),
            renderer: try EmailRenderer(),
            sender: try MailAddress(parsing: resources.config.string(forKey: "mail.from", default: "Shop <shop@example.com>")),
            send: { message in try await mailer.send(message) }
        )
    )
}
