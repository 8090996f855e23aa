import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// The `accounts.users` table. Deleted users (`deleted_at` set) are invisible to every lookup:
/// they cannot log in, refresh or be read; their email stays taken.
public struct UserRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    static let columns = "id, email, name, password_hash, role, email_verified_at IS NOT NULL, created_at"

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
        return !rows.isEmpty
    }

    /// Removes a user for good: only to undo a registration whose verification email could not be queued.
    public func purge(id: UUID) async throws {
        try await database.query("DELETE FROM accounts.users WHERE id = \(id) AND email_verified_at IS NULL")
    }

    /// The live user with this email (any case), if any.
    public func find(email: String) async throws -> User? {
        let normalized = User.normalize(email: email)
        return try Self.users(
            from: await database.query(
                "SELECT \(unescaped: Self.columns) FROM accounts.users WHERE email_normalized = \(normalized) AND deleted_at IS NULL")
        ).first
    }

    /// The live user with this id, if any.
    public func find(id: UUID) async throws -> User? {
        try Self.users(
            from: await database.query("SELECT \(unescaped: Self.columns) FROM accounts.users WHERE id = \(id) AND deleted_at IS NULL")
        ).first
    }

    /// Live users, oldest first, optionally those whose email contains `emailContains` (any case)
    /// and those with `role`; and how many match in all.
    public func list(emailContains: String?, role: Role?, offset: Int, limit: Int) async throws -> (users: [User], total: Int) {
        try await listed(needle: emailContains.map(User.normalize(email:)), role: role?.rawValue, offset: offset, limit: limit)
    }

    private func listed(needle: String?, role: String?, offset: Int, limit: Int) async throws -> (users: [User], total: Int) {
        let users = try Self.users(
            from: await database.query(
                """
                SELECT \(unescaped: Self.columns) FROM accounts.users
                WHERE deleted_at IS NULL
                  AND (\(needle)::text IS NULL OR strpos(email_normalized, \(needle)) > 0)
                  AND (\(role)::text IS NULL OR role = \(role))
                ORDER BY created_at, id LIMIT \(limit) OFFSET \(offset)
                """))
        let counts = try await database.query(
            """
            SELECT count(*)::bigint FROM accounts.users
            WHERE deleted_at IS NULL
              AND (\(needle)::text IS NULL OR strpos(email_normalized, \(needle)) > 0)
              AND (\(role)::text IS NULL OR role = \(role))
            """)
        let total = try counts.decode(Int64.self).first ?? 0
        return (users, Int(total))
    }

    /// Changes what is given of a live user's name, password hash and role; the updated user,
    /// or `nil` when there is no such live user.
    public func update(id: UUID, name: String?, passwordHash: String?, role: Role?) async throws -> User? {
        let roleName = role?.rawValue
        return try Self.users(
            from: await database.query(
                """
                UPDATE accounts.users SET
                    name = coalesce(\(name), name),
                    password_hash = coalesce(\(passwordHash), password_hash),
                    role = coalesce(\(roleName), role),
                    updated_at = now()
                WHERE id = \(id) AND deleted_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """)
        ).first
    }

    /// Marks a live user deleted; `false` when there is no such live user.
    public func softDelete(id: UUID) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE accounts.users SET deleted_at = now(), updated_at = now() WHERE id = \(id) AND deleted_at IS NULL RETURNING id")
        return !rows.isEmpty
    }

    /// Makes the user with this email an admin with this password, verified and not deleted,
    /// creating them if needed. Used by seeding only: no public endpoint ever creates an admin.
    public func upsertAdmin(email: String, name: String, passwordHash: String) async throws -> User {
        let normalized = User.normalize(email: email)
        let id = UUID()
        let rows = try await database.query(
            """
            INSERT INTO accounts.users (id, email, email_normalized, name, password_hash, role, email_verified_at)
            VALUES (\(id), \(email), \(normalized), \(name), \(passwordHash), 'admin', now())
            ON CONFLICT (email_normalized) DO UPDATE
                SET password_hash = EXCLUDED.password_hash, role = 'admin', deleted_at = NULL,
                    email_verified_at = coalesce(accounts.users.email_verified_at, now()), updated_at = now()
            RETURNING \(unescaped: Self.columns)
            """)
        guard let user = try Self.users(from: rows).first else {
            throw AccountsError.storage("upserting the admin returned no row")
        }
        return user
    }

    static func users(from rows: [PostgresRow]) throws -> [User] {
        var users: [User] = []
        for (id, email, name, hash, roleName, verified, createdAt) in try rows.decode((UUID, String, String, String, String, Bool, Date).self) {
            guard let role = Role(rawValue: roleName) else {
                throw AccountsError.storage("user \(id) has unknown role '\(roleName)'")
            }
            users.append(User(id: id, email: email, name: name, passwordHash: hash, role: role, emailVerified: verified, createdAt: createdAt))
        }
        return users
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
