import Configuration
import Contracts
import Foundation
import JWTKit

/// Signs and verifies access tokens with the shared `JWT_SECRET` (HS256).
/// Every service verifies tokens itself: nothing needing auth trusts the gateway.
public struct AccessTokens: Sendable {
    private let keys: JWTKeyCollection
    /// How long a new access token lives.
    public let lifetime: Duration

    public init(secret: String, lifetime: Duration) async throws(SettingsError) {
        guard secret.utf8.count >= 32 else {
            throw SettingsError(variable: "JWT_SECRET", reason: "must be at least 32 bytes long")
        }
        self.keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
    }

    /// Reads `JWT_SECRET` and `JWT_ACCESS_TTL_SECONDS` (default 900).
    public init(config: ConfigReader) async throws(SettingsError) {
        let secret = try config.required("jwt.secret", isSecret: true)
        let seconds = try config.integer("jwt.accessTtlSeconds", default: 900, in: 10...86_400)
        try await self.init(secret: secret, lifetime: .seconds(seconds))
    }

    /// A signed access token for a user, belonging to the login session `sessionId`.
    public func sign(
        userId: UUID,
        email: String,
        role: Role,
        emailVerified: Bool = false,
        sessionId: String? = nil,
        now: Date = Date()
    ) async throws -> String {
        let expiresAt = now.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        let claims = AccessTokenClaims(
            userId: userId, email: email, role: role, emailVerified: emailVerified, sessionId: sessionId, issuedAt: now, expiresAt: expiresAt
        )
        return try await keys.sign(claims)
    }

    /// The identity in `token`, or `nil` when it is forged, expired or malformed.
    public func verify(_ token: String) async -> Identity? {
        guard let claims = try? await keys.verify(token, as: AccessTokenClaims.self),
            let userId = UUID(uuidString: claims.sub.value)
        else { return nil }
        return Identity(
            userId: userId, email: claims.email, role: claims.role, emailVerified: claims.emailVerified, sessionId: claims.sid, accessToken: token
        )
    }
}
