import Contracts
import EmailsCore
import Mail
import WorkerRuntime

/// Renders an email, sends it over SMTP and records it in the email log, once per
/// idempotency key. (If the process dies between the SMTP answer and the log update, the
/// email is sent again on redelivery, with the same Message-ID so mail clients fold the two.)
struct SendEmailHandler: WorkerHandler {
    let log: EmailLog
    let renderer: EmailRenderer
    let mailer: SMTPMailer
    let sender: MailAddress

    func handle(_ request: SendEmail, context: MessageContext) async throws {
        var context = context
        context.logger[metadataKey: "email.key"] = "\(request.idempotencyKey)"
        context.logger[metadataKey: "email.template"] = "\(request.template.rawValue)"
        let recipient: MailAddress
        let rendered: RenderedEmail
        do {
            recipient = try MailAddress(parsing: request.to)
            rendered = try renderer.render(request.template, variables: request.variables)
        } catch {
            throw PermanentFailure("cannot compose the email: \(error)")
        }
        let entry = try await log.beginAttempt(
            idempotencyKey: request.idempotencyKey,
            recipient: recipient.address,
            template: request.template.rawValue,
            subject: rendered.subject,
            messageDomain: sender.domain
        )
        guard entry.status != .sent else {
            context.logger.info("email already sent; not sending it again")
            return
        }
        let message = MailMessage(
            from: sender,
            to: [recipient],
            subject: rendered.subject,
            textBody: rendered.text,
            htmlBody: rendered.html,
            messageID: entry.messageId
        )
        do {
            try await mailer.send(message)
        } catch let error as MailError {
            try? await log.markFailed(id: entry.id, reason: error.description)
            if !error.isTransient {
                throw PermanentFailure("the SMTP server refused the email: \(error)")
            }
            throw error
        }
        try await log.markSent(id: entry.id)
        context.logger.info("email sent", metadata: ["email.id": "\(entry.id)"])
    }
}
