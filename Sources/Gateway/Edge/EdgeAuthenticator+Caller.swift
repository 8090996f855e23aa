import Hummingbird
import ServiceKit

extension EdgeAuthenticator {
    /// The caller of a valid bearer token, on any route; `nil` without one (or with an invalid
    /// one: refusing it is the service's business). Rate limits keyed by user use it.
    func caller(of request: Request) async -> Identity? {
        guard let tokens, let authorization = request.headers[.authorization], let token = Self.bearerToken(authorization) else {
            return nil
        }
        return await tokens.verify(token)
    }

    /// The token of an `Authorization: Bearer <token>` value, or `nil` for any other scheme.
    static func bearerToken(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
