import AccountsCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

extension AuthController {
    /// `POST /auth/login` → an access token and a refresh token for a new session. Failed
    /// logins are counted per account and per client address: past the limit, `429`.
    @Sendable func login(request: Request, context: ShopRequestContext) async throws -> JSONResponse<TokenResponse> {
        let body = try await request.decodeJSON(LoginRequest.self, context: context)
        var validator = Validator()
        validator.check((1...254).contains(body.email.count), "email", "is required (at most 254 characters)")
        validator.check((1...1024).contains(body.password.utf8.count), "password", "is required (at most 1024 bytes)")
        try validator.validate()

        let address = context.clientAddress(of: request, trusting: trustedProxies)
        if let wait = try await loginThrottle.retryAfter(email: body.email, address: address) {
            context.logger.warning("login throttled", metadata: ["client.address": "\(address)"])
            throw HTTPProblem(
                .tooManyRequests, detail: "Too many failed logins for this account or from this address; try again later.",
                headers: [.retryAfter: "\(wait)"])
        }
        let user = try await users.find(email: body.email)
        guard try await hasher.verify(body.password, against: user?.passwordHash), let user else {
            try await loginThrottle.recordFailure(email: body.email, address: address)
            context.logger.info("login failed", metadata: ["client.address": "\(address)"])
            throw HTTPProblem.unauthorized("The email or the password is wrong.")
        }
        try await loginThrottle.recordSuccess(email: body.email)
        let session = try await sessions.create(userId: user.id)
        context.logger.info("user logged in", metadata: ["user.id": "\(user.id)", "session.id": "\(session.sessionId)"])
        return JSONResponse(try await tokenResponse(for: user, sessionId: session.sessionId, refreshToken: session.refreshToken))
    }

    /// `POST /auth/refresh` → new tokens; the refresh token presented stops working. Presenting
    /// one that was already rotated ends the whole session. The user is read again, so a role
    /// change or verification shows in the new access token and a deleted user gets `401`.
    @Sendable func refresh(request: Request, context: ShopRequestContext) async throws -> JSONResponse<TokenResponse> {
        let body = try await request.decodeJSON(RefreshRequest.self, context: context)
        var validator = Validator()
        validator.check((1...300).contains(body.refreshToken.count), "refreshToken", "must be the refresh token from the login")
        try validator.validate()

        switch try await sessions.rotate(body.refreshToken) {
        case .invalid:
            throw HTTPProblem.unauthorized("The refresh token is invalid, or its session has ended; log in again.")
        case .reused(let userId, let sessionId):
            context.logger.warning("refresh token reused: session ended", metadata: ["user.id": "\(userId)", "session.id": "\(sessionId)"])
            throw HTTPProblem.unauthorized("This refresh token was already used, so its session has been ended; log in again.")
        case .rotated(let userId, let sessionId, let refreshToken):
            guard let user = try await users.find(id: userId) else {
                try await sessions.end(sessionId)
                throw HTTPProblem.unauthorized("This account no longer exists.")
            }
            context.logger.info("session refreshed", metadata: ["user.id": "\(userId)", "session.id": "\(sessionId)"])
            return JSONResponse(try await tokenResponse(for: user, sessionId: sessionId, refreshToken: refreshToken))
        }
    }

    /// `POST /auth/logout` → `204`: the caller's session ends (its refresh token stops working,
    /// and accounts routes refuse its access tokens).
    @Sendable func logout(request: Request, context: ShopRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let sessionId = identity.sessionId else {
            throw HTTPProblem.badRequest("This access token belongs to no session.")
        }
        try await sessions.end(sessionId)
        context.logger.info("user logged out", metadata: ["user.id": "\(identity.userId)", "session.id": "\(sessionId)"])
        return Response(status: .noContent)
    }

    /// `GET /auth/me` → the caller's account.
    @Sendable func me(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let caller = try await LiveIdentity(users: users, sessions: sessions).require(context)
        return JSONResponse(caller.user.dto)
    }
}
