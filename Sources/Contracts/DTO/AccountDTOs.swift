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

/// `POST /auth/verify-email`: the code from the verification email.
public struct VerifyEmailRequest: Codable, Sendable {
    public var token: String

    public init(token: String) {
        self.token = token
    }
}

/// `POST /auth/resend-verification`.
public struct ResendVerificationRequest: Codable, Sendable {
    public var email: String

    public init(email: String) {
        self.email = email
    }
}

/// `POST /auth/refresh`: the refresh token from the login (or the last refresh).
public struct RefreshRequest: Codable, Sendable {
    public var refreshToken: String

    public init(refreshToken: String) {
        self.refreshToken = refreshToken
    }
}

/// `PATCH /users/:id`: each field present is changed. `currentPassword` is required when users
/// change their own password; only an admin may set `role`.
public struct UpdateUserRequest: Codable, Sendable {
    public var name: String?
    public var password: String?
    public var currentPassword: String?
    public var role: Role?

    public init(name: String? = nil, password: String? = nil, currentPassword: String? = nil, role: Role? = nil) {
        self.name = name
        self.password = password
        self.currentPassword = currentPassword
        self.role = role
    }
}

/// A user as the API shows it: never with a password hash.
public struct UserDTO: Codable, Sendable, Hashable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: Role
    /// Whether the user confirmed their email address.
    public var emailVerified: Bool
    public var createdAt: Date

    public init(id: UUID, email: String, name: String, role: Role, emailVerified: Bool, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.emailVerified = emailVerified
        self.createdAt = createdAt
    }
}

/// The answer to a successful login or refresh.
public struct TokenResponse: Codable, Sendable {
    public var accessToken: String
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// Opaque; exchanged for new tokens with `POST /auth/refresh`, once (each refresh returns a
    /// new one). The session it belongs to ends `SESSION_TTL_SECONDS` after login.
    public var refreshToken: String
    public var user: UserDTO

    public init(accessToken: String, expiresIn: Int, refreshToken: String, user: UserDTO) {
        self.accessToken = accessToken
        self.tokenType = "Bearer"
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.user = user
    }
}
