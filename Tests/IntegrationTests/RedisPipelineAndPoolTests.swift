import Foundation
import RedisStore
import Testing

@Suite("RedisClient pipelining and connection pool against a real Redis")
struct RedisPipelineAndPoolTests {
    @Test func pipelinesAThousandCommandsInOneCall() async throws {
        let key = RedisTestEnvironment.uniquePrefix("pipeline") + "counter"
        try await withRedisClient(RedisTestEnvironment.configuration(poolSize: 1)) { redis async throws in
            let commands = Array(repeating: ["INCR", key], count: 1_000)
            let started = ContinuousClock.now
            let replies = try await redis.pipeline(commands)
            let elapsed = ContinuousClock.now - started
            #expect(replies.count == 1_000)
            #expect(replies.first == .integer(1))
            #expect(replies.last == .integer(1_000))
            #expect(replies == (1...1_000).map { RedisValue.integer(Int64($0)) })
            #expect(elapsed < .seconds(5))
            #expect(try await redis.pipeline([[String]]()) == [])
            _ = try await redis.delete([key])
        }
    }

    @Test func pipelineReturnsErrorRepliesInPlace() async throws {
        let prefix = RedisTestEnvironment.uniquePrefix("pipeline-errors")
        try await withRedisClient(RedisTestEnvironment.configuration(poolSize: 1)) { redis async throws in
            let replies = try await redis.pipeline([
                ["SET", prefix + "text", "abc"],
                ["INCR", prefix + "text"],
                ["NOSUCHCOMMAND"],
                ["GET", prefix + "text"],
                ["GET", prefix + "missing"],
            ])
            #expect(replies.count == 5)
            #expect(replies[0] == .status("OK"))
            #expect(replies[1].errorMessage?.contains("not an integer") == true)
            #expect(replies[2].errorMessage?.hasPrefix("ERR") == true)
            #expect(replies[3] == .string(Array("abc".utf8)))
            #expect(replies[4] == .null)
            await #expect(throws: RedisError.self) { try await redis.pipeline([["PING"], []]) }
            _ = try await redis.delete([prefix + "text"])
        }
    }

    @Test func twoHundredConcurrentCommandsShareAPoolOfFour() async throws {
        let key = RedisTestEnvironment.uniquePrefix("pool") + "counter"
        let clientName = "redisstore-pool-test-\(UUID().uuidString.prefix(8))"
        var configuration = try RedisTestEnvironment.configuration(poolSize: 4)
        configuration.clientName = clientName
        let observer = try RedisTestEnvironment.configuration(poolSize: 1)

        try await withRedisClient(observer) { observerClient async throws in
            try await withRedisClient(configuration) { redis async throws in
                let results = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for _ in 0..<200 {
                        group.addTask { try await redis.increment(key) }
                    }
                    var results: [Int64] = []
                    for try await value in group { results.append(value) }
                    return results
                }
                #expect(results.count == 200)
                #expect(Set(results) == Set(1...200))
                #expect(try await redis.get(key) == "200")

                let statistics = redis.poolStatistics
                #expect(statistics.open <= 4)
                #expect(statistics.open >= 1)
                #expect(statistics.inUse == 0)
                #expect(statistics.waiting == 0)
                #expect(statistics.idle == statistics.open)
                // The server agrees: no more connections than the pool holds.
                #expect(try await Self.connections(named: clientName, via: observerClient) == statistics.open)
                _ = try await redis.delete([key])
            }
            // After shutdown every connection is closed server-side too.
            var remaining = -1
            for _ in 0..<250 {  // up to 10 s: the pool closes them on its threads, slow on a loaded machine
                remaining = try await Self.connections(named: clientName, via: observerClient)
                if remaining == 0 { break }
                try await Task.sleep(for: .milliseconds(40))
            }
            #expect(remaining == 0)
        }
    }

    @Test func aSlowCommandTimesOutAndTheClientRecovers() async throws {
        var configuration = try RedisTestEnvironment.configuration(poolSize: 1)
        configuration.commandTimeout = .milliseconds(300)
        let key = RedisTestEnvironment.uniquePrefix("timeout") + "queue"
        try await withRedisClient(configuration) { redis async throws in
            try await redis.ping()  // connect first, so that only the command itself is timed
            let started = ContinuousClock.now
            // The server would answer after 30 s; the client must give up long before that.
            // The bound is loose on purpose: CI machines are shared and can stall for seconds.
            let error = await #expect(throws: RedisError.self) { try await redis.send("BLPOP", [key, "30"]) }
            #expect(error == .timeout(command: "BLPOP"))
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(redis.poolStatistics.open == 0)  // the timed-out connection was dropped
            try await redis.ping()
            #expect(redis.poolStatistics.open == 1)
        }
    }

    @Test func shutdownFailsNewCommandsAndWaiters() async throws {
        let configuration = try RedisTestEnvironment.configuration(poolSize: 1)
        try await withRedisClient(configuration) { redis async throws in
            try await redis.ping()
            // Hold the only connection with a blocking command so that the next command waits.
            let key = RedisTestEnvironment.uniquePrefix("shutdown") + "queue"
            async let blocked: RedisValue = redis.send("BLPOP", [key, "3"])
            try await Task.sleep(for: .milliseconds(100))
            async let waiter: Void = redis.ping()
            // The ping queues behind the BLPOP (polled: the test machine may be loaded).
            for _ in 0..<100 where redis.poolStatistics.waiting != 1 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(redis.poolStatistics.waiting == 1)
            await redis.shutdown()
            do {
                try await waiter
                Issue.record("a waiting command succeeded after shutdown")
            } catch {
                #expect(error as? RedisError == .shutdown)
            }
            #expect(try await blocked == .null)  // the running command completes normally
            await #expect(throws: RedisError.shutdown) { try await redis.ping() }
            #expect(redis.poolStatistics.open == 0)
        }
    }

    /// How many connections named `name` the server has.
    static func connections(named name: String, via client: RedisClient) async throws -> Int {
        let list = try #require(try await client.send("CLIENT", ["LIST"]).string)
        return list.split(whereSeparator: \.isNewline).filter { $0.contains(" name=\(name) ") }.count
    }
}
