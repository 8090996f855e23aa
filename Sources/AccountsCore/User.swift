import Contracts
import Foundation

/// A stored user. The password hash never leaves this module's callers' process.
public struct User: Sendable, Hashable {
    public var id: UUID
    public var email: String
    public var name: String
    public var passwordHash: String
    public var role: Role
    /// Whether the user confirmed their email address with the token mailed to them.
    public var emailVerified: Bool
    public var createdAt: Date

    public init(id: UUID, email: String, name: String, passwordHash: String, role: Role, emailVerified: Bool = false, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
        self.emailVerified = emailVerified
        self.createdAt = createdAt
    }

    /// The user as the API shows it.
    public var dto: UserDTO {
        UserDTO(id: id, email: email, name: name, role: role, emailVerified: emailVerified, createdAt: createdAt)
    }

    /// Emails are unique regardless of case and surrounding spaces.
    public static func normalize(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
