import Foundation
import Logging
import NIOPosix
import RedisStore

/// Why an integration test cannot run: a missing environment variable or server binary.
struct RedisTestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Reads the Redis settings the integration tests need from the environment.
enum RedisTestEnvironment {
    /// `REDIS_URL`, or a failure telling how to provide it (the tests never skip silently).
    static func configuration(poolSize: Int = 4) throws -> RedisConfiguration {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else {
            throw RedisTestSetupError(description: "REDIS_URL is not set: run scripts/test (it starts the test servers and exports REDIS_URL)")
        }
        return try RedisConfiguration(url: url, poolSize: poolSize)
    }

    /// A key prefix no other test (or test run) uses.
    static func uniquePrefix(_ test: String) -> String {
        "test:redisstore:\(test):\(UUID().uuidString.prefix(8)):"
    }
}

/// Runs `body` with a client on a thread pool of its own, then shuts both down (also on failure).
func withRedisClient<Result>(
    _ configuration: RedisConfiguration,
    threads: Int? = nil,
    _ body: (RedisClient) async throws -> Result
) async throws -> Result {
    let threadPool = NIOThreadPool(numberOfThreads: threads ?? configuration.poolSize)
    threadPool.start()
    var logger = Logger(label: "test.redis")
    logger.logLevel = .error
    let client = RedisClient(configuration: configuration, threadPool: threadPool, logger: logger)
    do {
        let result = try await body(client)
        await client.shutdown()
        try await threadPool.shutdownGracefully()
        return result
    } catch {
        await client.shutdown()
        try? await threadPool.shutdownGracefully()
        throw error
    }
}

extension RedisError {
    /// Whether this is the kind of error a command may meet while Redis is down.
    var isConnectivityFailure: Bool {
        switch self {
        case .io, .unavailable, .connectionFailed: true
        default: false
        }
    }

    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
