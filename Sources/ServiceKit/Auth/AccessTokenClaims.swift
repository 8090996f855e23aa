import Contracts
import Foundation
import JWTKit

/// The claims of a shop access token (a short-lived HS256 JWT).
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// The user id.
    public var sub: SubjectClaim
    public var email: String
    public var role: Role
    /// Whether the user confirmed their email address (the OpenID Connect claim name).
    public var emailVerified: Bool
    /// The login session the token belongs to (`nil` for tokens made outside a session).
    public var sid: String?
    public var iss: IssuerClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    /// Always `access`: a refresh token can never be used as an access token.
    public var typ: String

    public static let issuer = "shop"

    enum CodingKeys: String, CodingKey {
        case sub, email, role, sid, iss, iat, exp, typ
        case emailVerified = "email_verified"
    }

    public init(userId: UUID, email: String, role: Role, emailVerified: Bool, sessionId: String?, issuedAt: Date, expiresAt: Date) {
        self.sub = SubjectClaim(value: userId.uuidString.lowercased())
        self.email = email
        self.role = role
        self.emailVerified = emailVerified
        self.sid = sessionId
        self.iss = IssuerClaim(value: Self.issuer)
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
        self.typ = "access"
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer, typ == "access" else {
            throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "not a shop access token")
        }
        guard UUID(uuidString: sub.value) != nil else {
            throw JWTError.claimVerificationFailure(failedClaim: sub, reason: "subject is not a user id")
        }
    }
}
