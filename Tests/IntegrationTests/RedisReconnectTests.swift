import RedisStore
import Testing

/// These tests run their own `redis-server` (so they can kill it) with a password.
@Suite("RedisClient reconnecting to a private redis-server")
struct RedisReconnectTests {
    private static let password = "s3cret/+:@"
    private static let encodedPassword = "s3cret%2F%2B%3A%40"

    private func configuration(for server: RedisTestServer, database: Int = 2, password: String = encodedPassword) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: "redis://:\(password)@127.0.0.1:\(server.port)/\(database)", poolSize: 4)
        configuration.connectTimeout = .milliseconds(500)
        configuration.commandTimeout = .seconds(2)
        configuration.reconnectBackoffBase = .milliseconds(50)
        configuration.reconnectBackoffCap = .milliseconds(400)
        return configuration
    }

    @Test func authenticatesAndSelectsTheDatabaseOnEveryConnection() async throws {
        let server = try RedisTestServer(password: Self.password)
        try server.start()
        try await withRedisClient(configuration(for: server, database: 2)) { redis async throws in
            try await redis.set("greeting", "hello from db 2")
            let info = try #require(try await redis.send("CLIENT", ["INFO"]).string)
            #expect(info.contains(" db=2 "))
        }
        try await withRedisClient(configuration(for: server, database: 0)) { redis async throws in
            #expect(try await redis.get("greeting") == nil)
            #expect(try await redis.send("SELECT", ["2"]) == .status("OK"))
        }
    }

    @Test func aWrongPasswordIsAConnectionFailureThatDoesNotLeakThePassword() async throws {
        let server = try RedisTestServer(password: Self.password)
        try server.start()
        try await withRedisClient(configuration(for: server, password: "wrong-horse-battery")) { redis async throws in
            let error = await #expect(throws: RedisError.self) { try await redis.ping() }
            guard case .connectionFailed(_, let port, let reason)? = error else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(port == server.port)
            #expect(reason.contains("AUTH"))
            #expect(!"\(error!)".contains("wrong-horse-battery"))
        }
    }

    @Test func anUnreachableServerFailsFastDuringBackoff() async throws {
        let port = try RedisTestServer.freePort()
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)/0", poolSize: 2)
        configuration.reconnectBackoffBase = .seconds(2)
        configuration.reconnectBackoffCap = .seconds(4)
        try await withRedisClient(configuration) { redis async throws in
            let first = await #expect(throws: RedisError.self) { try await redis.ping() }
            guard case .connectionFailed(_, port, _)? = first else {
                Issue.record("expected connectionFailed, got \(String(describing: first))")
                return
            }
            let started = ContinuousClock.now
            for _ in 0..<20 {
                let error = await #expect(throws: RedisError.self) { try await redis.ping() }
                #expect(error?.isUnavailable == true)
            }
            // No network round trips: well within the 2 s backoff (loose: a loaded CI machine).
            #expect(ContinuousClock.now - started < .milliseconds(1_500))
            #expect(redis.poolStatistics.consecutiveConnectFailures == 1)  // only one attempt was made
            #expect(redis.poolStatistics.open == 0)
        }
    }

    @Test func survivesRedisBeingKilledAndRestarted() async throws {
        let server = try RedisTestServer(password: Self.password)
        try server.start()
        try await withRedisClient(configuration(for: server)) { redis async throws in
            // Warm up several pooled connections.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 { group.addTask { try await redis.set("key:\(index)", "before") } }
                try await group.waitForAll()
            }
            #expect(redis.poolStatistics.open >= 1)

            server.kill()
            var failures: [RedisError] = []
            for _ in 0..<10 {
                do {
                    _ = try await redis.get("key:0")
                    Issue.record("a command succeeded while Redis was down")
                } catch let error as RedisError {
                    failures.append(error)
                }
            }
            #expect(failures.count == 10)
            #expect(failures.allSatisfy { $0.isConnectivityFailure }, "\(failures)")
            #expect(failures.contains { $0.isUnavailable }, "backoff never engaged: \(failures)")

            try server.start()
            let deadline = ContinuousClock.now + .seconds(10)
            var recovered = false
            while ContinuousClock.now < deadline {
                do {
                    try await redis.set("key:0", "after")
                    recovered = true
                    break
                } catch let error as RedisError {
                    #expect(error.isConnectivityFailure, "\(error)")
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(recovered, "the same client never reconnected")
            #expect(try await redis.get("key:0") == "after")
            // The new connections authenticated and selected database 2 again.
            #expect(try await redis.send("CLIENT", ["INFO"]).string?.contains(" db=2 ") == true)
            #expect(redis.poolStatistics.consecutiveConnectFailures == 0)
        }
    }
}
