import Hummingbird
import ServiceKit

extension EdgeAuthenticator {
    /// The caller of a valid bearer token, on any route; `nil` without one (or with an invalid
    /// one: refusing it is the service's business). Rate limits keyed by user use it.
    func caller(authorization: String?) async -> Identity? {
        guard let tokens, let authorization else { return nil }
        return try? await tokens.identity(authorization: authorization)
    }
}
