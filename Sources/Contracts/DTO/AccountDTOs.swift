import Foundation

/// `POST /auth/register`.
public struct RegisterRequest: Codable, Sendable {
    public var email: String
    public var password: String
    public var name: String

    public init(email: String, password: String, name: String) {
        self.email = email
        self.password = password
        self.name = name
    }
}

/// `POST /auth/login`.
public struct LoginRequest: Codable, Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

/// A user as the API shows it: never with a password hash.
public struct UserDTO: Codable, Sendable, Hashable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: Role
    public var createdAt: Date

    public init(id: UUID, email: String, name: String, role: Role, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }
}

/// The answer to a successful login.
public struct TokenResponse: Codable, Sendable {
    public var accessToken: String
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    public var user: UserDTO

    public init(accessToken: String, expiresIn: Int, user: UserDTO) {
        self.accessToken = accessToken
        self.tokenType = "Bearer"
        self.expiresIn = expiresIn
        self.user = user
    }
}
