import RedisStore
import Testing

@Suite("RedisClient typed commands against a real Redis")
struct RedisCommandTests {
    @Test func stringsSetGetExpireAndOnlyIfAbsent() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("strings")
        try await withRedisClient(RedisTestEnvironment.configuration()) { redis async throws in
            #expect(try await redis.get(prefix + "missing") == nil)
            #expect(try await redis.set(prefix + "name", "Zoë 🎉"))
            #expect(try await redis.get(prefix + "name") == "Zoë 🎉")

            #expect(try await redis.set(prefix + "lock", "a", onlyIfAbsent: true))
            #expect(try await !redis.set(prefix + "lock", "b", onlyIfAbsent: true))
            #expect(try await redis.get(prefix + "lock") == "a")

            try await redis.set(prefix + "session", "s", expiresIn: .seconds(30))
            let ttl = try #require(try await redis.timeToLive(prefix + "session"))
            #expect(ttl > .seconds(25) && ttl <= .seconds(30))
            #expect(try await redis.timeToLive(prefix + "name") == nil)  // no expiry
            #expect(try await redis.timeToLive(prefix + "missing") == nil)

            try await redis.set(prefix + "short", "x", expiresIn: .milliseconds(50))
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await redis.get(prefix + "short") == nil)

            _ = try await redis.delete([prefix + "name", prefix + "lock", prefix + "session"])
        }
    }

    @Test func keysIncrementExistsExpireAndDelete() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("keys")
        try await withRedisClient(RedisTestEnvironment.configuration()) { redis async throws in
            #expect(try await redis.increment(prefix + "counter") == 1)
            #expect(try await redis.increment(prefix + "counter", by: 41) == 42)
            #expect(try await redis.increment(prefix + "counter", by: -2) == 40)
            #expect(try await redis.get(prefix + "counter") == "40")

            #expect(try await redis.exists(prefix + "counter"))
            #expect(try await !redis.exists(prefix + "nothing"))

            #expect(try await redis.expire(prefix + "counter", in: .seconds(60)))
            #expect(try await !redis.expire(prefix + "nothing", in: .seconds(60)))
            let ttl = try #require(try await redis.timeToLive(prefix + "counter"))
            #expect(ttl > .seconds(55))

            try await redis.set(prefix + "other", "x")
            #expect(try await redis.delete([prefix + "counter", prefix + "other", prefix + "nothing"]) == 2)
            #expect(try await redis.delete([]) == 0)
            #expect(try await !redis.exists(prefix + "counter"))
        }
    }

    @Test func hashesSetGetIncrementAndDelete() async throws {
        let key = RedisTestEnvironment.uniquePrefix("hashes") + "cart"
        try await withRedisClient(RedisTestEnvironment.configuration()) { redis async throws in
            #expect(try await redis.hashSet(key, ["sku-1": "2", "sku-2": "1"]) == 2)
            #expect(try await redis.hashSet(key, ["sku-2": "5", "sku-3": "1"]) == 1)
            #expect(try await redis.hashGet(key, field: "sku-2") == "5")
            #expect(try await redis.hashGet(key, field: "sku-9") == nil)
            #expect(try await redis.hashIncrement(key, field: "sku-1", by: 3) == 5)
            #expect(try await redis.hashGetAll(key) == ["sku-1": "5", "sku-2": "5", "sku-3": "1"])
            #expect(try await redis.hashDelete(key, fields: ["sku-1", "sku-9"]) == 1)
            #expect(try await redis.hashGetAll(key) == ["sku-2": "5", "sku-3": "1"])
            #expect(try await redis.hashGetAll(key + ":missing") == [:])
            #expect(try await redis.hashSet(key, [:]) == 0)
            _ = try await redis.delete([key])
        }
    }

    @Test func scanIteratesTheCursorToTheEnd() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("scan")
        try await withRedisClient(RedisTestEnvironment.configuration()) { redis async throws in
            let expected = Set((0..<250).map { "\(prefix)item:\($0)" })
            _ = try await redis.pipeline(expected.map { ["SET", $0, "1"] })
            try await redis.set(prefix + "other", "1")

            let found = try await redis.scan(match: prefix + "item:*", count: 10)
            #expect(found.count == 250)
            #expect(Set(found) == expected)
            #expect(try await redis.scan(match: prefix + "none:*").isEmpty)

            _ = try await redis.delete(Array(expected) + [prefix + "other"])
        }
    }

    @Test func valuesAndKeysAreBinarySafe() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("binary")
        try await withRedisClient(RedisTestEnvironment.configuration()) { redis async throws in
            let value: [UInt8] = [0x00, 0xFF, 0x0D, 0x0A, 0x24, 0x2A, 0x00, 0x80] + Array(0...255)
            try await redis.set(prefix + "blob", bytes: value)
            #expect(try await redis.getBytes(prefix + "blob") == value)
            #expect(try await redis.send("STRLEN", [prefix + "blob"]) == .integer(Int64(value.count)))

            // A key with NUL and CRLF inside, through the binary send.
            let binaryKey = Array((prefix + "k").utf8) + [0x00, 0x0D, 0x0A]
            #expect(try await redis.send("SET", [binaryKey, [0x01, 0x00]]) == .status("OK"))
            #expect(try await redis.send("GET", [binaryKey]) == .string([0x01, 0x00]))
            #expect(try await redis.send("DEL", [binaryKey]) == .integer(1))

            // Text accessors refuse bytes that are not UTF-8 rather than mangling them.
            await #expect(throws: RedisError.self) { try await redis.get(prefix + "blob") }
            try await redis.set(prefix + "empty", "")
            #expect(try await redis.get(prefix + "empty") == "")
            _ = try await redis.delete([prefix + "blob", prefix + "empty"])
        }
    }

    @Test func errorRepliesThrowServerErrorsAndTheConnectionStaysUsable() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("errors")
        try await withRedisClient(RedisTestEnvironment.configuration(poolSize: 1)) { redis async throws in
            let unknown = await #expect(throws: RedisError.self) { try await redis.send("NOSUCHCOMMAND", ["x"]) }
            guard case .server(let message, let command)? = unknown else {
                Issue.record("expected a server error, got \(String(describing: unknown))")
                return
            }
            #expect(message.hasPrefix("ERR"))
            #expect(command == "NOSUCHCOMMAND")

            try await redis.set(prefix + "text", "abc")
            let wrongType = await #expect(throws: RedisError.self) { try await redis.hashGet(prefix + "text", field: "f") }
            #expect(wrongType.map { "\($0)".contains("WRONGTYPE") } == true)
            let notANumber = await #expect(throws: RedisError.self) { try await redis.increment(prefix + "text") }
            #expect(notANumber.map { "\($0)".contains("not an integer") } == true)

            // Same single connection, still healthy after three error replies.
            try await redis.ping()
            #expect(redis.poolStatistics.open == 1)
            await #expect(throws: RedisError.self) { try await redis.send("  ", [String]()) }
            _ = try await redis.delete([prefix + "text"])
        }
    }
}
