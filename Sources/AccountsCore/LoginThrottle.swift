import Foundation
import RedisStore

/// Counts failed logins per account and per client address in Redis, over a fixed window that
/// starts at the first failure. Past the limit every login for that account or from that
/// address is refused, the right password too, until the window ends.
public struct LoginThrottle: Sendable {
    let redis: RedisClient
    /// Failed logins allowed per account within `window`.
    public let maxFailuresPerAccount: Int
    /// Failed logins allowed per client address within `window`.
    public let maxFailuresPerAddress: Int
    public let window: Duration

    public init(redis: RedisClient, maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20, window: Duration = .seconds(900)) {
        self.redis = redis
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Seconds to wait before trying again, or `nil` when a login may be tried now.
    public func retryAfter(email: String, address: String) async throws -> Int? {
        let keys = [Self.accountKey(email), Self.addressKey(address)]
        let replies = try await redis.pipeline(keys.flatMap { [["GET", $0], ["TTL", $0]] })
        let limits = [maxFailuresPerAccount, maxFailuresPerAddress]
        var wait: Int?
        for (index, limit) in limits.enumerated() {
            let failures = replies[index * 2].int ?? 0
            if failures >= Int64(limit) {
                let ttl = Int(replies[index * 2 + 1].int ?? 1)
                wait = max(wait ?? 1, max(ttl, 1))
            }
        }
        return wait
    }

    /// Counts one failed login for the account and the address.
    public func recordFailure(email: String, address: String) async throws {
        for key in [Self.accountKey(email), Self.addressKey(address)] {
            _ = try await redis.evaluate(Self.countScript, keys: [key], arguments: ["\(window.components.seconds)"])
        }
    }

    /// Forgets the account's failures after a successful login (the address's stay counted).
    public func recordSuccess(email: String) async throws {
        _ = try await redis.delete([Self.accountKey(email)])
    }

    /// Keyed by a digest, so no email address sits in Redis in clear.
    static func accountKey(_ email: String) -> String {
        "accounts:login-failures:account:" + SecretToken.digest(of: User.normalize(email: email))
    }

    static func addressKey(_ address: String) -> String {
        "accounts:login-failures:address:" + address
    }

    static let countScript = RedisScript(
        """
        local failures = redis.call('INCR', KEYS[1])
        if failures == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        return failures
        """)
}
