import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// The `accounts.users` table.
public struct UserRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// Inserts `user`; `false` when the email is taken.
    public func create(_ user: User) async throws -> Bool {
        let normalized = User.normalize(email: user.email)
        let rows = try await database.query(
            """
            INSERT INTO accounts.users (id, email, email_normalized, name, password_hash, role, created_at, updated_at)
            VALUES (\(user.id), \(user.email), \(normalized), \(user.name), \(user.passwordHash), \(user.role.rawValue), \(user.createdAt), \(user.createdAt))
            ON CONFLICT (email_normalized) DO NOTHING
            RETURNING id
            """)
        for _ in rows { return true }
        return false
    }

    /// The user with this email (any case), if any.
    public func find(email: String) async throws -> User? {
        let normalized = User.normalize(email: email)
        return try await first(
            database.query(
                "SELECT id, email, name, password_hash, role, created_at FROM accounts.users WHERE email_normalized = \(normalized)")
        )
    }

    /// The user with this id, if any.
    public func find(id: UUID) async throws -> User? {
        try await first(
            database.query(
                "SELECT id, email, name, password_hash, role, created_at FROM accounts.users WHERE id = \(id)")
        )
    }

    /// Makes the user with this email an admin with this password, creating them if needed.
    /// Used by seeding only: no public endpoint ever creates an admin.
    public func upsertAdmin(email: String, name: String, passwordHash: String) async throws -> User {
        let normalized = User.normalize(email: email)
        let id = UUID()
        let rows = try await database.query(
            """
            INSERT INTO accounts.users (id, email, email_normalized, name, password_hash, role, email_verified_at)
            VALUES (\(id), \(email), \(normalized), \(name), \(passwordHash), 'admin', now())
            ON CONFLICT (email_normalized) DO UPDATE
                SET password_hash = EXCLUDED.password_hash, role = 'admin', updated_at = now()
            RETURNING id, email, name, password_hash, role, created_at
            """)
        guard let user = try await first(rows) else {
            throw AccountsError.storage("upserting the admin returned no row")
        }
        return user
    }

    private func first(_ rows: [PostgresRow]) async throws -> User? {
        for (id, email, name, hash, role, createdAt) in try rows.decode((UUID, String, String, String, String, Date).self) {
            guard let role = Role(rawValue: role) else {
                throw AccountsError.storage("user \(id) has unknown role '\(role)'")
            }
            return User(id: id, email: email, name: name, passwordHash: hash, role: role, createdAt: createdAt)
        }
        return nil
    }
}

/// Something in the accounts store is not as it must be.
public enum AccountsError: Error, CustomStringConvertible {
    case storage(String)

    public var description: String {
        switch self {
        case .storage(let reason): "accounts storage: \(reason)"
        }
    }
}
