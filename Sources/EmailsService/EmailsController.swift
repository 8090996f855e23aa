import Contracts
import EmailsCore
import Foundation
import Hummingbird
import ServiceKit

/// `/emails`: the email log, and emails sent by hand; admins only.
struct EmailsController: Sendable {
    let log: EmailLog
    let renderer: EmailRenderer
    let publisher: MessagePublisher

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("emails")
        group.get(use: list)
        group.get(":id", use: show)
        group.post("send", use: send)
    }

    /// `GET /emails?page=&limit=&recipient=&status=` (admin): newest first.
    @Sendable func list(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<EmailLogEntry>> {
        _ = try context.requireAdmin()
        let parameters = request.uri.queryParameters
        var validator = Validator()
        let paging = PageRequest(parameters, validator: &validator)
        let recipient = parameters.get("recipient").map { $0.trimmingCharacters(in: .whitespaces) }
        if let recipient {
            validator.check((1...254).contains(recipient.count), "recipient", "must be 1 to 254 characters long")
        }
        let statusText = parameters.get("status")
        let status = statusText.flatMap(EmailLogEntry.Status.init(rawValue:))
        validator.check(
            statusText == nil || status != nil, "status",
            "must be one of: \(EmailLogEntry.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        try validator.validate()
        let (entries, total) = try await log.list(recipient: recipient, status: status, offset: paging.offset, limit: paging.limit)
        return JSONResponse(paging.page(entries, total: total))
    }

    /// `GET /emails/:id` (admin).
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<EmailLogEntry> {
        _ = try context.requireAdmin()
        let id = try context.parameters.requireUUID("id")
        guard let entry = try await log.find(id: id) else {
            throw HTTPProblem.notFound("No email with id \(id).")
        }
        return JSONResponse(entry)
    }

    /// `POST /emails/send` (admin) → `202` once the `send-email` queue has the message; the
    /// `send-email` worker renders and sends it, once per idempotency key.
    @Sendable func send(request: Request, context: ShopRequestContext) async throws -> JSONResponse<SendEmailAccepted> {
        let admin = try context.requireAdmin()
        let body = try await request.decodeJSON(SendEmailRequest.self, context: context)
        let template = try validate(body)
        let message = SendEmail(
            idempotencyKey: body.idempotencyKey ?? "admin:\(UUID().uuidString.lowercased())",
            to: body.to.trimmingCharacters(in: .whitespaces),
            template: template,
            variables: body.variables
        )
        do {
            try await publisher.publish(
                message, messageID: message.idempotencyKey, correlationID: context.requestID, traceParent: context.traceParent)
        } catch {
            context.logger.warning("cannot queue an email", metadata: ["error": "\(error)"])
            throw HTTPProblem.unavailable("The email could not be queued right now; try again shortly.")
        }
        context.logger.info(
            "email queued by an admin",
            metadata: ["email.key": "\(message.idempotencyKey)", "email.template": "\(template.rawValue)", "user.id": "\(admin.userId)"])
        return JSONResponse(
            SendEmailAccepted(idempotencyKey: message.idempotencyKey, to: message.to, template: template.rawValue), status: .accepted)
    }

    /// The template to send, or `400` naming every bad field: the recipient, the template name,
    /// each missing or oversized variable, the idempotency key; and a template that renders an
    /// empty subject with these variables.
    func validate(_ body: SendEmailRequest) throws(HTTPProblem) -> EmailTemplate {
        var validator = Validator()
        validator.check(EmailAddressRule.isValid(body.to), "to", "must be an email address like name@example.com")
        let template = EmailTemplate(rawValue: body.template)
        validator.check(
            template != nil, "template", "must be one of: \(EmailTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        validator.check(body.variables.count <= 50, "variables", "must have at most 50 entries")
        for (name, value) in body.variables.sorted(by: { $0.key < $1.key }) {
            validator.check((1...64).contains(name.count), "variables", "names must be 1 to 64 characters long")
            if case .string(let text) = value {
                validator.check(text.count <= 10_000, "variables.\(name)", "must be at most 10000 characters long")
            }
        }
        for name in template?.requiredVariables ?? [] {
            validator.check(body.variables[name].map { $0 != .null } ?? false, "variables.\(name)", "is required by this template")
        }
        if template == .notice {
            if case .string(let subject) = body.variables["subject"] {
                validator.checkLength(subject, "variables.subject", 1...200)
            }
        }
        if let key = body.idempotencyKey {
            validator.check(
                (1...200).contains(key.count) && !key.contains(where: { character in character.isWhitespace || (character.asciiValue ?? 32) < 32 }),
                "idempotencyKey", "must be 1 to 200 characters without spaces")
        }
        try validator.validate()
        guard let template else { throw HTTPProblem.validation([.init(field: "template", message: "is unknown")]) }
        do {
            _ = try renderer.render(template, variables: body.variables)
        } catch {
            throw HTTPProblem.validation([.init(field: "variables", message: "cannot be rendered by \(template.rawValue): \(error)")])
        }
        return template
    }
}
