import Contracts
import Foundation
import JWTKit

/// The claims of a shop access token (a short-lived HS256 JWT).
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// The user id.
    public var sub: SubjectClaim
    public var email: String
    public var role: Role
    public var iss: IssuerClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    /// Always `access`: a refresh token can never be used as an access token.
    public var typ: String

    public static let issuer = "shop"

    public init(userId: UUID, email: String, role: Role, issuedAt: Date, expiresAt: Date) {
        self.sub = SubjectClaim(value: userId.uuidString.lowercased())
        self.email = email
        self.role = role
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
