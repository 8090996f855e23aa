import AccountsCore
import Contracts
import Foundation
import Hummingbird
import Logging
import ServiceKit

/// `/auth`: registration, email verification, login sessions.
struct AuthController: Sendable {
    let users: UserRepository
    let verifications: EmailVerificationRepository
    let sessions: SessionStore
    let hasher: PasswordHasher
    let tokens: AccessTokens
    let loginThrottle: LoginThrottle
    /// One verification email per address per minute.
    let resendCooldown: Cooldown
    let emails: AccountEmails
    let trustedProxies: TrustedProxies

    func addRoutes(to router: Router<ShopRequestContext>) {
        let auth = router.group("auth")
        auth.post("register", use: register)
        auth.post("verify-email", use: verifyEmail)
        auth.post("resend-verification", use: resendVerification)
        auth.post("login", use: login)
        auth.post("refresh", use: refresh)
        auth.post("logout", use: logout)
        auth.get("me", use: me)
    }

    /// An access token and the refresh token for a session of `user`.
    func tokenResponse(for user: User, sessionId: String, refreshToken: String) async throws -> TokenResponse {
        let accessToken = try await tokens.sign(
            userId: user.id, email: user.email, role: user.role, emailVerified: user.emailVerified, sessionId: sessionId)
        return TokenResponse(
            accessToken: accessToken, expiresIn: Int(tokens.lifetime.components.seconds), refreshToken: refreshToken, user: user.dto)
    }
}

/// What the accounts routes that take an access token check beyond its signature: that its
/// session has not ended (logout, reuse detection, password change, deletion) and the user
/// still exists. Shared by `/auth/me` and `/users`.
struct LiveIdentity: Sendable {
    let users: UserRepository
    let sessions: SessionStore

    /// The caller and their current record, or `401`.
    func require(_ context: ShopRequestContext) async throws -> (identity: Identity, user: User) {
        let identity = try context.requireIdentity()
        if let sessionId = identity.sessionId {
            let active = try await sessions.isActive(sessionId, userId: identity.userId)
            guard active else { throw HTTPProblem.unauthorized("This session has ended; log in again.") }
        }
        guard let user = try await users.find(id: identity.userId) else {
            throw HTTPProblem.unauthorized("This account no longer exists.")
        }
        return (identity, user)
    }

    /// The caller if they are an admin now (the database's role, not only the token's): `401`/`403`.
    func requireAdmin(_ context: ShopRequestContext) async throws -> (identity: Identity, user: User) {
        _ = try context.requireAdmin()
        let caller = try await require(context)
        guard caller.user.role == .admin else {
            throw HTTPProblem.forbidden("This endpoint is for admins only.")
        }
        return caller
    }
}
