import Contracts
import Foundation
import Testing
import TestSupport

/// Registration and email verification, read from the caught emails.
@Suite("Accounts: registration and email verification")
struct AccountsRegistrationTests {
    @Test("register → verification email (text + HTML) → verify → welcome with a UTF-8 subject → verified token checks out")
    func verificationFlowThroughTheCaughtEmail() async throws {
        let shop = try Shop()
        let mail = try MailCatcher()
        let email = "\(TestEnvironment.unique("zoe"))@example.com"
        let registered = try await shop.api.send(
            .POST, "/auth/register", json: RegisterRequest(email: email, password: Shop.customerPassword, name: "Zoë Ångström"))
        #expect(registered.status == 201, "\(registered.text)")
        let user = try registered.decode(UserDTO.self)
        #expect(user.emailVerified == false && user.role == .customer && user.email == email)
        #expect(!registered.text.contains("password"), "the answer must never carry the password or its hash")

        // Unverified: logging in works, checking out does not.
        let unverified = try await shop.session(email: email, password: Shop.customerPassword)
        #expect(try CaughtEmail.claims(ofJWT: unverified.token)["email_verified"] as? Bool == false)
        expectProblem(try await shop.checkout(token: unverified.token), 403, mentioning: "verify")

        let verification = try await mail.awaitMessage(to: email, subject: "Confirm your email address")
        #expect(verification.raw.contains("multipart/alternative"))
        #expect(verification.raw.contains("text/plain") && verification.raw.contains("text/html"))
        let code = try CaughtEmail.verificationCode(in: verification)

        let verified = try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: code))
        #expect(verified.status == 200, "\(verified.text)")
        #expect(try verified.decode(UserDTO.self).emailVerified == true)

        // The welcome: a non-ASCII subject, encoded as RFC 2047 encoded-words, decoding to the name.
        let welcome = try await mail.awaitMessage(to: email, subject: "Welcome, Zoë Ångström")
        #expect(welcome.subject.contains("=?UTF-8?B?") || welcome.subject.lowercased().contains("=?utf-8?"), "raw subject \(welcome.subject)")
        #expect(CaughtEmail.decodeSubject(welcome.subject) == "Welcome, Zoë Ångström")
        #expect(welcome.raw.contains("multipart/alternative"))

        // The code works once.
        expectProblem(try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: code)), 409, mentioning: "already used")

        // The refreshed token says verified, and checkout no longer refuses it for that.
        let refreshed = try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: unverified.refreshToken))
        #expect(refreshed.status == 200, "\(refreshed.text)")
        let tokens = try refreshed.decode(TokenResponse.self)
        #expect(try CaughtEmail.claims(ofJWT: tokens.accessToken)["email_verified"] as? Bool == true)
        let checkout = try await shop.checkout(token: tokens.accessToken)
        #expect(checkout.status != 403, "a verified customer's checkout answered \(checkout.status): \(checkout.text)")
    }

    @Test("verify-email: unknown, malformed and expired codes are 400 naming the token; nothing is verified")
    func badVerificationCodes() async throws {
        let shop = try Shop()
        expectProblem(
            try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: String(repeating: "ab", count: 16))),
            400, mentioning: "not a valid", field: "token")
        expectProblem(try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: "")), 400, field: "token")
        expectProblem(try await shop.api.send(.POST, "/auth/verify-email", rawBody: #"{"token":"x","extra":1}"#), 400, mentioning: "extra")

        let user = try await shop.register(name: "Late Verifier")
        let mail = try MailCatcher()
        let code = try CaughtEmail.verificationCode(in: try await mail.awaitMessage(to: user.email, subject: "Confirm your email address"))
        try await StackDatabase.expireVerificationCodes(userId: user.id)
        expectProblem(
            try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: code)), 400, mentioning: "expired",
            field: "token")
        let session = try await shop.session(email: user.email, password: Shop.customerPassword)
        #expect(session.user.emailVerified == false)
    }

    @Test("register: each bad field named, unknown fields refused, a taken email (any case) is 409")
    func registrationFailures() async throws {
        let shop = try Shop()
        let bad = try await shop.api.send(
            .POST, "/auth/register", json: RegisterRequest(email: "not-an-email", password: "short", name: "  "))
        expectProblem(bad, 400, field: "email")
        expectProblem(bad, 400, field: "password")
        expectProblem(bad, 400, field: "name")
        let tooLong = try await shop.api.send(
            .POST, "/auth/register",
            json: RegisterRequest(email: "a@example.com", password: String(repeating: "é", count: 37), name: String(repeating: "n", count: 101)))
        expectProblem(tooLong, 400, field: "password")
        expectProblem(tooLong, 400, field: "name")
        expectProblem(
            try await shop.api.send(
                .POST, "/auth/register", rawBody: #"{"email":"x@example.com","password":"long enough","name":"X","role":"admin"}"#),
            400, mentioning: "role")

        let user = try await shop.register()
        expectProblem(
            try await shop.api.send(
                .POST, "/auth/register", json: RegisterRequest(email: user.email.uppercased(), password: Shop.customerPassword, name: "Twin")),
            409)
    }

    @Test("resend-verification: 202 for unknown and known accounts alike; a new code replaces the old; throttled with 429")
    func resendVerification() async throws {
        let shop = try Shop()
        let mail = try MailCatcher()
        let unknown = try await shop.api.send(
            .POST, "/auth/resend-verification", json: ResendVerificationRequest(email: "\(TestEnvironment.unique("nobody"))@example.com"))
        #expect(unknown.status == 202, "\(unknown.text)")

        let user = try await shop.register(name: "Resender")
        let first = try CaughtEmail.verificationCode(in: try await mail.awaitMessage(to: user.email, subject: "Confirm your email address"))
        let resent = try await shop.api.send(.POST, "/auth/resend-verification", json: ResendVerificationRequest(email: user.email))
        #expect(resent.status == 202, "\(resent.text)")
        #expect(resent.body.isEmpty, "the answer must not tell whether the account exists")
        let codes = try await APIClient.eventually(timeout: .seconds(20), interval: .milliseconds(200)) { () async throws -> [String]? in
            let codes = try await mail.messages(to: user.email).compactMap { try? CaughtEmail.verificationCode(in: $0) }
            return Set(codes).count >= 2 ? codes : nil
        }
        let second = try #require(codes?.first { $0 != first }, "no second verification email")

        let again = try await shop.api.send(.POST, "/auth/resend-verification", json: ResendVerificationRequest(email: user.email))
        expectProblem(again, 429)
        #expect(Int(again.headers.first(name: "retry-after") ?? "") ?? 0 >= 1)
        expectProblem(
            try await shop.api.send(.POST, "/auth/resend-verification", json: ResendVerificationRequest(email: "nope")), 400, field: "email")

        expectProblem(try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: first)), 409)
        let verified = try await shop.api.send(.POST, "/auth/verify-email", json: VerifyEmailRequest(token: second))
        #expect(verified.status == 200, "\(verified.text)")
    }
}
