import Foundation
import Logging
import PostgresNIO
import Storage

/// The `accounts.email_verifications` table: the digest of each verification code mailed,
/// with its expiry and when it was used. The code itself is never stored.
public struct EmailVerificationRepository: Sendable {
    let database: Database

    /// What a presented verification code turned out to be.
    public enum Outcome: Sendable, Equatable {
        /// The code was valid: it is now used and the user verified.
        case verified(userId: UUID)
        case unknown
        case expired
        case alreadyUsed
    }

    public init(database: Database) {
        self.database = database
    }

    /// Stores the digest of a new code for `userId`, valid for `lifetime`.
    public func insert(digest: String, userId: UUID, lifetime: Duration) async throws {
        let expiresAt = Date().addingTimeInterval(TimeInterval(lifetime.components.seconds))
        try await database.query(
            "INSERT INTO accounts.email_verifications (token_hash, user_id, expires_at) VALUES (\(digest), \(userId), \(expiresAt))")
    }

    /// Makes every unused code of `userId` but `digest` unusable: only the newest email works.
    public func retireOthers(userId: UUID, keeping digest: String) async throws {
        try await database.query(
            """
            UPDATE accounts.email_verifications SET used_at = now()
            WHERE user_id = \(userId) AND token_hash <> \(digest) AND used_at IS NULL
            """)
    }

    /// The user a still valid code belongs to, without using it, or why it is not valid.
    public func check(digest: String) async throws -> (userId: UUID?, outcome: Outcome) {
        let rows = try await database.query(
            """
            SELECT v.user_id, v.expires_at <= now(), v.used_at IS NOT NULL
            FROM accounts.email_verifications v JOIN accounts.users u ON u.id = v.user_id
            WHERE v.token_hash = \(digest) AND u.deleted_at IS NULL
            """)
        for (userId, expired, used) in try rows.decode((UUID, Bool, Bool).self) {
            if used { return (userId, .alreadyUsed) }
            if expired { return (userId, .expired) }
            return (userId, .verified(userId: userId))
        }
        return (nil, .unknown)
    }

    /// Uses the code and marks its user verified, in one transaction; the outcome says why not
    /// when the code is unknown, expired or used (by a concurrent request, too).
    public func use(digest: String) async throws -> Outcome {
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE accounts.email_verifications SET used_at = now()
                WHERE token_hash = \(digest) AND used_at IS NULL AND expires_at > now()
                RETURNING user_id
                """)
            guard let userId = try rows.decode(UUID.self).first else { return .alreadyUsed }
            try await connection.query(
                """
                UPDATE accounts.users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
                WHERE id = \(userId) AND deleted_at IS NULL
                """)
            return .verified(userId: userId)
        }
    }
}
