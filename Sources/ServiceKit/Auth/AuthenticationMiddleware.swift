import Hummingbird

/// Reads `Authorization: Bearer <token>` and, when the token verifies, puts the caller's
/// ``Identity`` in the context. A present but invalid token is refused with `401` at once;
/// a request without one goes on anonymous, and each route that needs a caller asks for it
/// with ``ShopRequestContext/requireIdentity()``.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = ShopRequestContext
    let tokens: AccessTokens

    public init(tokens: AccessTokens) {
        self.tokens = tokens
    }

    public func handle(_ request: Request, context: ShopRequestContext, next: (Request, ShopRequestContext) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw HTTPProblem.unauthorized("The Authorization header must be 'Bearer <access token>'.")
        }
        guard let identity = await tokens.verify(String(parts[1])) else {
            throw HTTPProblem.unauthorized("The access token is invalid or has expired.")
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "user.id"] = "\(identity.userId)"
        return try await next(request, context)
    }
}
