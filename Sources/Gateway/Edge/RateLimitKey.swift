import Foundation

/// Whom a request counts against: the Redis key of its caller's allowance on a route.
///
/// `gateway:ratelimit:<prefix>:<requests>/<seconds>:client:<address>` or `…:user:<uuid>`. The
/// policy's numbers are part of the key, so a reload that changes a limit starts every caller
/// afresh instead of reading a state computed for another rate.
enum RateLimitKey {
    static let namespace = "gateway:ratelimit"

    /// The key for a caller on `route`: the signed-in user for `key: user` policies (when there
    /// is one), else the client's address.
    static func make(route: String, policy: RateLimitPolicy, clientAddress: String, userId: UUID?) -> String {
        let caller: String
        if policy.key == .user, let userId {
            caller = "user:\(userId.uuidString.lowercased())"
        } else {
            caller = "client:\(clientAddress)"
        }
        return "\(namespace):\(route):\(policy.requests)/\(policy.windowSeconds):\(caller)"
    }
}
