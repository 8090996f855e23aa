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
        let identity = try await tokens.identity(authorization: authorization)
        var context = context
        context.identity = identity
        context.logger[metadataKey: "user.id"] = "\(identity.userId)"
        return try await next(request, context)
    }
}
