import Foundation
import RedisStore

/// Login sessions in Redis, each living `lifetime` from login (refreshing does not extend it).
///
/// A session is a hash `accounts:session:<sid>` with its user and the digest of its current
/// refresh token, a set `accounts:session:<sid>:rotated` of the digests it replaced (to detect
/// reuse), and each user's sessions are indexed in `accounts:user-sessions:<user id>` so they
/// can all be ended at once. Every change is one Lua script, so it is atomic.
///
/// A refresh token is `<sid>.<secret>`: opaque to the client, only its digest is stored.
public struct SessionStore: Sendable {
    let redis: RedisClient
    /// How long a session lives from login.
    public let lifetime: Duration

    static let sessionPrefix = "accounts:session:"
    static let userIndexPrefix = "accounts:user-sessions:"

    public init(redis: RedisClient, lifetime: Duration) {
        self.redis = redis
        self.lifetime = lifetime
    }

    /// A new session.
    public struct NewSession: Sendable {
        public var sessionId: String
        public var refreshToken: String
    }

    /// What presenting a refresh token did.
    public enum Rotation: Sendable, Equatable {
        /// It was the current one: here is its replacement.
        case rotated(userId: UUID, sessionId: String, refreshToken: String)
        /// It had been replaced already (stolen, or replayed): the whole session is now ended.
        case reused(userId: UUID, sessionId: String)
        /// Unknown, malformed, or its session is over.
        case invalid
    }

    /// Starts a session for `userId`.
    public func create(userId: UUID) async throws -> NewSession {
        let sessionId = SecretToken(byteCount: 16).value
        let secret = SecretToken(byteCount: 32).value
        _ = try await redis.evaluate(
            Self.createScript,
            keys: [Self.sessionPrefix + sessionId, Self.userIndexPrefix + Self.key(userId)],
            arguments: [Self.key(userId), SecretToken.digest(of: secret), "\(lifetime.components.seconds)", sessionId]
        )
        return NewSession(sessionId: sessionId, refreshToken: "\(sessionId).\(secret)")
    }

    /// Rotates `refreshToken`: the current one is replaced, a replaced one ends its session.
    public func rotate(_ refreshToken: String) async throws -> Rotation {
        let parts = refreshToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 128 && $0.allSatisfy(\.isHexDigit) }) else {
            return .invalid
        }
        let sessionId = String(parts[0])
        let secret = SecretToken(byteCount: 32).value
        let reply = try await redis.evaluate(
            Self.rotateScript,
            keys: [Self.sessionPrefix + sessionId, Self.sessionPrefix + sessionId + ":rotated"],
            arguments: [SecretToken.digest(of: String(parts[1])), SecretToken.digest(of: secret), Self.userIndexPrefix, sessionId]
        )
        let fields = reply.array?.compactMap(\.string) ?? []
        guard fields.count == 2, let userId = UUID(uuidString: fields[1]) else { return .invalid }
        switch fields[0] {
        case "rotated": return .rotated(userId: userId, sessionId: sessionId, refreshToken: "\(sessionId).\(secret)")
        case "reused": return .reused(userId: userId, sessionId: sessionId)
        default: return .invalid
        }
    }

    /// Whether session `sessionId` is still going and belongs to `userId`.
    public func isActive(_ sessionId: String, userId: UUID) async throws -> Bool {
        try await redis.hashGet(Self.sessionPrefix + sessionId, field: "user") == Self.key(userId)
    }

    /// Ends one session; `false` when it was already over.
    @discardableResult
    public func end(_ sessionId: String) async throws -> Bool {
        let reply = try await redis.evaluate(
            Self.endScript,
            keys: [Self.sessionPrefix + sessionId, Self.sessionPrefix + sessionId + ":rotated"],
            arguments: [Self.userIndexPrefix, sessionId]
        )
        return reply.int == 1
    }

    /// Ends every session of `userId` except `keeping` (the caller's own, when they change
    /// their password); returns how many ended.
    @discardableResult
    public func endAll(userId: UUID, keeping: String? = nil) async throws -> Int {
        let reply = try await redis.evaluate(
            Self.endAllScript,
            keys: [Self.userIndexPrefix + Self.key(userId)],
            arguments: [Self.sessionPrefix, keeping ?? ""]
        )
        return Int(reply.int ?? 0)
    }

    static func key(_ userId: UUID) -> String { userId.uuidString.lowercased() }

    // KEYS: session, user index. ARGV: user id, refresh digest, lifetime seconds, session id.
    static let createScript = RedisScript(
        """
        redis.call('HSET', KEYS[1], 'user', ARGV[1], 'refresh', ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[4])
        if redis.call('TTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
        return 1
        """)

    // KEYS: session, rotated set. ARGV: presented digest, new digest, user index prefix, session id.
    static let rotateScript = RedisScript(
        """
        local user = redis.call('HGET', KEYS[1], 'user')
        if not user then return {'missing'} end
        if redis.call('HGET', KEYS[1], 'refresh') == ARGV[1] then
          redis.call('HSET', KEYS[1], 'refresh', ARGV[2])
          redis.call('SADD', KEYS[2], ARGV[1])
          local ttl = redis.call('TTL', KEYS[1])
          if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
          return {'rotated', user}
        end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
          redis.call('DEL', KEYS[1], KEYS[2])
          redis.call('SREM', ARGV[3] .. user, ARGV[4])
          return {'reused', user}
        end
        return {'invalid'}
        """)

    // KEYS: session, rotated set. ARGV: user index prefix, session id.
    static let endScript = RedisScript(
        """
        local user = redis.call('HGET', KEYS[1], 'user')
        redis.call('DEL', KEYS[1], KEYS[2])
        if user then
          redis.call('SREM', ARGV[1] .. user, ARGV[2])
          return 1
        end
        return 0
        """)

    // KEYS: user index. ARGV: session prefix, session id to keep (or '').
    static let endAllScript = RedisScript(
        """
        local ended = 0
        for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if sid ~= ARGV[2] then
            redis.call('DEL', ARGV[1] .. sid, ARGV[1] .. sid .. ':rotated')
            redis.call('SREM', KEYS[1], sid)
            ended = ended + 1
          end
        end
        return ended
        """)
}
