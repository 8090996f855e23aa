import AccountsCore
import Contracts
import Foundation
import Hummingbird
import Logging
import ServiceKit

/// `/auth`: registration and login.
struct AccountsController: Sendable {
    let users: UserRepository
    let hasher: PasswordHasher
    let tokens: AccessTokens

    func addRoutes(to router: Router<ShopRequestContext>) {
        let auth = router.group("auth")
        auth.post("register", use: register)
        auth.post("login", use: login)
    }

    /// `POST /auth/register` → `201` with the new customer.
    @Sendable func register(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let body = try await request.decodeJSON(RegisterRequest.self, context: context)
        var validator = Validator()
        validator.check(EmailAddressRule.isValid(body.email), "email", "must be an email address like name@example.com")
        validator.check((8...72).contains(body.password.utf8.count), "password", "must be 8 to 72 bytes long")
        validator.checkLength(body.name, "name", 1...100)
        try validator.validate()

        let user = User(
            id: UUID(),
            email: body.email.trimmingCharacters(in: .whitespacesAndNewlines),
            name: body.name.trimmingCharacters(in: .whitespacesAndNewlines),
            passwordHash: try await hasher.hash(body.password),
            role: .customer,
            createdAt: Date()
        )
        guard try await users.create(user) else {
            throw HTTPProblem.conflict("An account with this email already exists.")
        }
        context.logger.info("user registered", metadata: ["user.id": "\(user.id)"])
        return JSONResponse(user.dto, status: .created)
    }

    /// `POST /auth/login` → an access token.
    @Sendable func login(request: Request, context: ShopRequestContext) async throws -> JSONResponse<TokenResponse> {
        let body = try await request.decodeJSON(LoginRequest.self, context: context)
        var validator = Validator()
        validator.check(!body.email.isEmpty, "email", "is required")
        validator.check(!body.password.isEmpty, "password", "is required")
        try validator.validate()

        let user = try await users.find(email: body.email)
        guard try await hasher.verify(body.password, against: user?.passwordHash), let user else {
            context.logger.info("login failed")
            throw HTTPProblem.unauthorized("The email or the password is wrong.")
        }
        let token = try await tokens.sign(userId: user.id, email: user.email, role: user.role)
        context.logger.info("user logged in", metadata: ["user.id": "\(user.id)"])
        return JSONResponse(TokenResponse(accessToken: token, expiresIn: Int(tokens.lifetime.components.seconds), user: user.dto))
    }
}
