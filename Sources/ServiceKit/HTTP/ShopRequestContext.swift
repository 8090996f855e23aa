import Contracts
import Foundation
import Hummingbird
import Logging

/// The request context of every shop service: Hummingbird's core storage, the request id
/// and the caller's identity once a valid access token was presented.
public struct ShopRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `X-Request-Id` as received, or one made for this request.
    public var requestID: String
    /// Who is calling, when the request carried a valid bearer token.
    public var identity: Identity?
    /// The trace this request belongs to (the caller's `traceparent`, or a new one).
    public var traceParent: TraceParent
    /// The peer's IP address, as the server's socket saw it.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.identity = nil
        self.traceParent = .placeholder  // TraceContextMiddleware sets the request's own
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are small JSON documents.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The authenticated caller, from a verified access token.
public struct Identity: Sendable, Hashable {
    public var userId: UUID
    public var email: String
    public var role: Role
    /// Whether the user confirmed their email address when the token was issued.
    public var emailVerified: Bool
    /// The login session the token belongs to, if any.
    public var sessionId: String?
    /// The raw bearer token, for calls this service makes on the caller's behalf.
    public var accessToken: String

    public init(userId: UUID, email: String, role: Role, emailVerified: Bool = false, sessionId: String? = nil, accessToken: String) {
        self.userId = userId
        self.email = email
        self.role = role
        self.emailVerified = emailVerified
        self.sessionId = sessionId
        self.accessToken = accessToken
    }
}

extension ShopRequestContext {
    /// The caller, or `401` when the request carried no valid access token.
    public func requireIdentity() throws(HTTPProblem) -> Identity {
        guard let identity else {
            throw HTTPProblem.unauthorized("This endpoint needs an access token: send 'Authorization: Bearer <token>'.")
        }
        return identity
    }

    /// The caller if they are an admin: `401` without a token, `403` for any other role.
    public func requireAdmin() throws(HTTPProblem) -> Identity {
        let identity = try requireIdentity()
        guard identity.role == .admin else {
            throw HTTPProblem.forbidden("This endpoint is for admins only.")
        }
        return identity
    }
}
