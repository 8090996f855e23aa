import AccountsCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

extension AuthController {
    /// `POST /auth/register` → `201` with the new, unverified customer, once the verification
    /// email is queued. If it cannot be queued the account is removed again and the answer is `503`.
    @Sendable func register(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let body = try await request.decodeJSON(RegisterRequest.self, context: context)
        var validator = Validator()
        validator.check(EmailAddressRule.isValid(body.email), "email", "must be an email address like name@example.com")
        validator.check((8...72).contains(body.password.utf8.count), "password", "must be 8 to 72 bytes long")
        validator.checkLength(body.name, "name", 1...100)
        try validator.validate()

        let user = User(
            id: UUID(),
            email: body.email.trimmingCharacters(in: .whitespacesAndNewlines),
            name: body.name.trimmingCharacters(in: .whitespacesAndNewlines),
            passwordHash: try await hasher.hash(body.password),
            role: .customer,
            createdAt: Date()
        )
        guard try await users.create(user) else {
            throw HTTPProblem.conflict("An account with this email already exists.")
        }
        do {
            try await emails.sendVerification(to: user, context: context)
        } catch {
            do {
                try await users.purge(id: user.id)
            } catch let purgeError {
                // The account stays, unverified: POST /auth/resend-verification sends a new code.
                context.logger.error("cannot remove a registration whose email was not queued", metadata: [
                    "user.id": "\(user.id)", "error": "\(purgeError)",
                ])
            }
            throw error
        }
        context.logger.info("user registered", metadata: ["user.id": "\(user.id)"])
        return JSONResponse(user.dto, status: .created)
    }

    /// `POST /auth/verify-email` → `200` with the verified user (and a welcome email);
    /// `400` for an unknown or expired code, `409` for a used one.
    @Sendable func verifyEmail(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let body = try await request.decodeJSON(VerifyEmailRequest.self, context: context)
        var validator = Validator()
        validator.check((1...128).contains(body.token.count), "token", "must be the code from the verification email")
        try validator.validate()

        let digest = SecretToken.digest(of: body.token.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        let (userId, outcome) = try await verifications.check(digest: digest)
        try Self.refuse(outcome)
        guard let userId, let user = try await users.find(id: userId) else {
            throw HTTPProblem.validation([.init(field: "token", message: "is not a valid verification code")])
        }
        // The welcome is queued first: if the broker is down nothing changes and the code still works.
        try await emails.sendWelcome(to: user, context: context)
        let used = try await verifications.use(digest: digest)
        try Self.refuse(used)
        context.logger.info("email verified", metadata: ["user.id": "\(user.id)"])
        var verified = user
        verified.emailVerified = true
        return JSONResponse(verified.dto)
    }

    /// Throws the problem for a code that did not verify anything.
    static func refuse(_ outcome: EmailVerificationRepository.Outcome) throws(HTTPProblem) {
        switch outcome {
        case .verified:
            return
        case .unknown:
            throw HTTPProblem.validation([.init(field: "token", message: "is not a valid verification code")])
        case .expired:
            throw HTTPProblem.validation([
                .init(field: "token", message: "has expired; ask for a new one with POST /auth/resend-verification")
            ])
        case .alreadyUsed:
            throw HTTPProblem.conflict("This verification code was already used (or replaced by a newer one).")
        }
    }

    /// `POST /auth/resend-verification` → `202` whether or not the account exists (nothing tells
    /// them apart); a new code is mailed only to an existing, unverified account. At most one
    /// request per address a minute, whatever the address: `429` with `Retry-After`.
    @Sendable func resendVerification(request: Request, context: ShopRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ResendVerificationRequest.self, context: context)
        var validator = Validator()
        validator.check(EmailAddressRule.isValid(body.email), "email", "must be an email address like name@example.com")
        try validator.validate()

        if let wait = try await resendCooldown.begin(User.normalize(email: body.email)) {
            throw HTTPProblem(
                .tooManyRequests, detail: "A verification email was requested for this address recently; try again later.",
                headers: [.retryAfter: "\(wait)"])
        }
        if let user = try await users.find(email: body.email), !user.emailVerified {
            try await emails.sendVerification(to: user, context: context)
        }
        return Response(status: .accepted)
    }
}
