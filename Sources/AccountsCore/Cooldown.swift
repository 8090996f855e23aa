import Foundation
import RedisStore

/// Lets one action per subject happen once per `interval` (e.g. one verification email per
/// address a minute), whoever asks.
public struct Cooldown: Sendable {
    let redis: RedisClient
    let name: String
    public let interval: Duration

    public init(redis: RedisClient, name: String, interval: Duration) {
        self.redis = redis
        self.name = name
        self.interval = interval
    }

    /// `nil` when the action may happen now (and the cooldown starts), else the seconds left.
    public func begin(_ subject: String) async throws -> Int? {
        let key = "accounts:cooldown:\(name):" + SecretToken.digest(of: subject)
        if try await redis.set(key, "1", expiresIn: interval, onlyIfAbsent: true) {
            return nil
        }
        let left = try await redis.timeToLive(key)
        return max(1, Int(left?.components.seconds ?? 1))
    }
}
