import RedisStore
import Testing

/// Serialized: `SCRIPT FLUSH` empties the server's script cache for everyone.
@Suite("RedisClient Lua scripting against a real Redis", .serialized)
struct RedisScriptingTests {
    static let reserve = RedisScript("""
        local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
        local wanted = tonumber(ARGV[1])
        if stock < wanted then return {0, stock} end
        return {1, redis.call('DECRBY', KEYS[1], wanted)}
        """)

    @Test func evaluatesWithEvalShaAndFallsBackToEvalAfterScriptFlush() async throws {
        let key = RedisTestEnvironment.uniquePrefix("script") + "stock"
        try await withRedisClient(RedisTestEnvironment.configuration(poolSize: 2)) { redis async throws in
            try await redis.set(key, "5")
            _ = try await redis.send("SCRIPT", ["FLUSH"])
            #expect(try await redis.send("SCRIPT", ["EXISTS", Self.reserve.sha1]) == .array([.integer(0)]))

            // NOSCRIPT → EVAL, which also caches the script under the locally computed SHA1.
            #expect(try await redis.evaluate(Self.reserve, keys: [key], arguments: ["3"]) == .array([.integer(1), .integer(2)]))
            #expect(try await redis.send("SCRIPT", ["EXISTS", Self.reserve.sha1]) == .array([.integer(1)]))
            #expect(try await redis.evaluate(Self.reserve, keys: [key], arguments: ["3"]) == .array([.integer(0), .integer(2)]))

            _ = try await redis.send("SCRIPT", ["FLUSH"])
            #expect(try await redis.evaluate(Self.reserve, keys: [key], arguments: ["2"]) == .array([.integer(1), .integer(0)]))
            #expect(try await redis.get(key) == "0")
            _ = try await redis.delete([key])
        }
    }

    @Test func aFailingScriptThrowsAServerError() async throws {
        try await withRedisClient(RedisTestEnvironment.configuration(poolSize: 1)) { redis async throws in
            let broken = RedisScript("return redis.call('NOSUCHCOMMAND')")
            let error = await #expect(throws: RedisError.self) { try await redis.evaluate(broken, keys: [], arguments: []) }
            guard case .server(_, let command)? = error else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(command == "EVAL" || command == "EVALSHA")
            let text = RedisScript("return ARGV[1] .. KEYS[1]")
            #expect(try await redis.evaluate(text, keys: ["k"], arguments: ["v"]).string == "vk")
        }
    }
}
