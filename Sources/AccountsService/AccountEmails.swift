import AccountsCore
import Contracts
import Foundation
import Logging
import ServiceKit

/// The emails the accounts service sends through the `send-email` queue: the verification
/// code and the welcome. Each is published with broker confirms before the request answers.
struct AccountEmails: Sendable {
    let publisher: MessagePublisher
    let verifications: EmailVerificationRepository
    /// The page that verifies a code, e.g. `https://shop.example/verify-email`; the link is `<url>?token=<code>`.
    let verifyURL: String
    /// How long a verification code stays valid.
    static let codeLifetimeHours = 24

    /// Creates a new verification code for `user` and queues its email; older codes stop
    /// working once it is queued. If the broker does not confirm, a `503` is thrown and the
    /// older codes stay valid; the new code is kept all the same, because an unconfirmed publish
    /// (a confirm that timed out) may still have queued its email, which must then work. A code
    /// whose email never went expires unused: nobody has it.
    func sendVerification(to user: User, context: ShopRequestContext) async throws {
        let code = SecretToken(byteCount: 16)
        try await verifications.insert(digest: code.digest, userId: user.id, lifetime: .seconds(Self.codeLifetimeHours * 3600))
        let message = SendEmail(
            idempotencyKey: "verification:\(code.digest)",
            to: user.email,
            template: .verification,
            variables: [
                "name": .string(user.name),
                "token": .string(code.value),
                "verifyUrl": .string("\(verifyURL)?token=\(code.value)"),
                "expiresInHours": .int(Self.codeLifetimeHours),
            ]
        )
        try await publish(message, context: context)
        try await verifications.retireOthers(userId: user.id, keeping: code.digest)
        context.logger.info("verification email queued", metadata: ["user.id": "\(user.id)"])
    }

    /// Queues the welcome email, at most once per user (its idempotency key is the user id).
    func sendWelcome(to user: User, context: ShopRequestContext) async throws {
        let message = SendEmail(
            idempotencyKey: "welcome:\(user.id.uuidString.lowercased())", to: user.email, template: .welcome,
            variables: ["name": .string(user.name)]
        )
        try await publish(message, context: context)
        context.logger.info("welcome email queued", metadata: ["user.id": "\(user.id)"])
    }

    /// Publishes and waits for the broker's confirm; any failure is a `503`.
    private func publish(_ message: SendEmail, context: ShopRequestContext) async throws {
        do {
            try await publisher.publish(
                message, messageID: message.idempotencyKey, correlationID: context.requestID, traceParent: context.traceParent)
        } catch {
            context.logger.warning("cannot queue an email", metadata: ["email.template": "\(message.template.rawValue)", "error": "\(error)"])
            throw HTTPProblem.unavailable("The email could not be queued right now; nothing was changed, try again shortly.")
        }
    }
}
