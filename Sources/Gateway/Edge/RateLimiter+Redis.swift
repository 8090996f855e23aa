import Logging
import NIOPosix
import RedisStore
import ServiceKit

extension RateLimiter {
    /// The limiter's own Redis client (`REDIS_URL`): a pool and threads of its own, so a slow
    /// Redis never holds up anything else, and connect and command timeouts as short as the
    /// limiter's, so a hung server costs each request at most about `timeout` (a thread is
    /// blocked in hiredis meanwhile). Run it with the gateway's services.
    static func redisClient(url: String, timeout: Duration, logger: Logger) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: url, poolSize: 16)
        configuration.connectTimeout = timeout
        configuration.commandTimeout = timeout
        configuration.clientName = "gateway-rate-limits"
        let threads = NIOThreadPool(numberOfThreads: configuration.poolSize)
        threads.start()
        return RedisClient(configuration: configuration, threadPool: threads, logger: logger)
    }
}

extension RateLimiter {
    /// `redis` in `/ready`: `degraded`, not `down`, when Redis does not answer. The gateway
    /// keeps serving without it (it fails open), so it stays ready: taking every replica out
    /// of rotation would turn a Redis outage into an outage of the whole shop.
    var readinessCheck: ReadinessCheck {
        let redis = counter.redis
        return ReadinessCheck("redis", essential: false) { await redis.isReachable() }
    }
}
