import HTTPTypes
import Hummingbird
import NIOHTTP1
import ServiceKit

/// Verifies access tokens at the edge for routes with `auth`, and forwards who the caller is.
///
/// The services still verify the token themselves (nothing that needs auth trusts the
/// gateway); the edge check turns away anonymous and forged requests before they cost a
/// service anything, and the forwarded `X-Authenticated-User-Id` / `-Role` headers are for
/// logs and upstream metrics. A client can never set them: ``ForwardedHeaders`` drops them
/// from every request it forwards.
struct EdgeAuthenticator: Sendable {
    /// `nil` when the gateway has no `JWT_SECRET`: then no route may use `auth`.
    let tokens: AccessTokens?

    static let userIDHeader = HTTPField.Name("X-Authenticated-User-Id")!
    static let roleHeader = HTTPField.Name("X-Authenticated-Role")!

    /// The caller on an `auth` route (`401` without a valid token, `403` for a role not
    /// allowed); on other routes the caller of a valid token, if any, else `nil`.
    func authenticate(_ request: Request, policy: EdgeAuthPolicy?) async throws(HTTPProblem) -> Identity? {
        try await authenticate(authorization: request.headers[.authorization], policy: policy)
    }

    /// The caller of a request with this `Authorization` value on a route with `policy`
    /// (see ``authenticate(_:policy:)``).
    func authenticate(authorization: String?, policy: EdgeAuthPolicy?) async throws(HTTPProblem) -> Identity? {
        guard let policy else { return nil }
        guard let tokens else {
            throw HTTPProblem(.internalServerError, detail: "The gateway cannot verify tokens: JWT_SECRET is not set.")
        }
        guard let authorization else {
            throw HTTPProblem.unauthorized("This endpoint needs an access token: send 'Authorization: Bearer <token>'.")
        }
        let identity = try await tokens.identity(authorization: authorization)
        guard policy.roles.isEmpty || policy.roles.contains(identity.role) else {
            throw HTTPProblem.forbidden("This endpoint is for \(policy.roles.map(\.rawValue).sorted().joined(separator: " or ")) users only.")
        }
        return identity
    }

    /// Adds the verified caller's `X-Authenticated-*` headers to `headers`, the request's
    /// headers for the upstream (``ForwardedHeaders/upstream(from:authority:clientAddress:requestID:)``,
    /// which has dropped any the client sent).
    func forward(_ identity: Identity?, into headers: inout some EdgeHeaderFields) {
        guard let identity else { return }
        headers.append(Self.userIDHeader, identity.userId.uuidString.lowercased())
        headers.append(Self.roleHeader, identity.role.rawValue)
    }
}
