import Contracts
import Foundation
import Logging
import RedisStore

/// A read-through cache of catalog answers in Redis.
///
/// Every key carries a generation number; dropping the cache is one `INCR` of the generation,
/// which orphans every entry at once (they expire by TTL). A reader that loaded from the
/// database while the generation moved on writes under the old generation, where no one reads:
/// so no reader sees stock older than the last invalidation for longer than one cache hop.
/// Redis being down never fails a request: the cache is skipped and the database answers.
public struct ProductCache: Sendable {
    let redis: RedisClient
    let ttl: Duration
    let logger: Logger

    static let generationKey = "catalog:cache:generation"

    public init(redis: RedisClient, ttl: Duration = .seconds(60), logger: Logger) {
        self.redis = redis
        self.ttl = ttl
        self.logger = logger
    }

    /// The cached value for `key`, or what `load` returns (then cached; `nil` is not cached).
    public func value<Value: Codable & Sendable>(
        for key: String,
        as type: Value.Type = Value.self,
        load: () async throws -> Value?
    ) async throws -> Value? {
        guard let generation = await currentGeneration() else {
            return try await load()
        }
        let fullKey = "catalog:cache:\(generation):\(key)"
        do {
            if let cached = try await redis.get(fullKey),
                let value = try? ShopCacheCoding.decoder.decode(Value.self, from: Data(cached.utf8))
            {
                return value
            }
        } catch {
            logger.warning("product cache read failed", metadata: ["error": "\(error)"])
        }
        guard let value = try await load() else { return nil }
        do {
            let data = try ShopCacheCoding.encoder.encode(value)
            _ = try await redis.set(fullKey, String(decoding: data, as: UTF8.self), expiresIn: ttl)
        } catch {
            logger.warning("product cache write failed", metadata: ["error": "\(error)"])
        }
        return value
    }

    /// Drops every cached catalog answer. Call after any product or stock change commits.
    public func invalidate() async {
        do {
            _ = try await redis.increment(Self.generationKey)
        } catch {
            logger.error("product cache invalidation failed; entries expire within the TTL", metadata: ["error": "\(error)"])
        }
    }

    private func currentGeneration() async -> String? {
        do {
            return try await redis.get(Self.generationKey) ?? "0"
        } catch {
            logger.warning("product cache unavailable, reading from the database", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

enum ShopCacheCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
