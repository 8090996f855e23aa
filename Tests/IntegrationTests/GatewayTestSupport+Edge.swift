import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus
import RedisStore
import ServiceKit
import Synchronization

@testable import Gateway

/// A gateway in this process with the parts a test wants to look at: its live route table
/// (to reload), its metrics and, with `redis`, a rate limiter.
struct EdgeTestGateway: Sendable {
    let app: Application<RouterResponder<ShopRequestContext>>
    let routes: LiveRouteTable
    let registry: PrometheusCollectorRegistry

    /// The Prometheus text of the gateway's metrics.
    var metricsText: String {
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Counts the requests an upstream received.
final class RequestCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

extension GatewayTesting {
    /// A gateway for `routes` whose rate limits count in the Redis at `redisPort` (no limiter
    /// without one), failing open after `rateLimitTimeout`. Each `app.test(.live)` runs it anew
    /// with the same routes, metrics and limiter. The timeout is longer than production's: on a
    /// loaded test machine a Redis round trip can take more than 250 ms, and a limiter that
    /// fails open then lets through requests a test expects to be limited.
    func edgeGateway(routes: String, redisPort: Int? = nil, rateLimitTimeout: Duration = .seconds(2)) async throws -> EdgeTestGateway {
        let configuration = try GatewayConfiguration(json: Data(routes.utf8), environment: [:], defaults: RouteDefaults(timeout: .seconds(30), retries: 1, maxBodyBytes: 1024))
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(registry: registry)
        let live = LiveRouteTable(configuration, metrics: metrics)
        let tokens = try await AccessTokens(secret: gatewayTestSecret, lifetime: .seconds(60))
        let proxies = try TrustedProxies(list: "127.0.0.1,::1")
        var logger = Logger(label: "test.gateway")
        logger.logLevel = .error
        let redis = try redisPort.map { port in
            try RateLimiter.redisClient(url: "redis://127.0.0.1:\(port)/0", timeout: rateLimitTimeout, logger: logger)
        }
        let rateLimiter = redis.map { redis in
            RateLimiter(
                redis: redis, timeout: rateLimitTimeout, trustedProxies: proxies, authenticator: EdgeAuthenticator(tokens: tokens),
                metrics: metrics, logger: logger
            )
        }
        let router = GatewayApp.makeRouter(
            routes: live, http: gatewayTestHTTPClient, tokens: tokens, trustedProxies: proxies, rateLimiter: rateLimiter, metrics: registry
        )
        // The limiter's Redis client is not one of the app's services: a test may run the app
        // several times (`test(.live)` shuts it down each time) and the client must outlive that.
        let server = GatewayApp.makeServer(
            routes: live, tokens: tokens, trustedProxies: proxies, rateLimiter: rateLimiter, connectTimeout: .seconds(1), idleTimeout: nil, logger: logger
        )
        let app = Application(router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return EdgeTestGateway(app: app, routes: live, registry: registry)
    }

    /// An upstream that answers `200 ok` to any GET or POST and counts them.
    func countingUpstream(_ counter: RequestCounter) -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post] {
            router.on("**", method: method) { _, _ in
                counter.increment()
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

/// A private `redis-server` (``RedisTestServer``) that a test may stop and start again from
/// the `@Sendable` closures of live test servers.
final class SharedRedisTestServer: Sendable {
    let port: Int
    private let server: Mutex<RedisTestServer>

    /// Starts a new server.
    init() throws {
        let server = try RedisTestServer()
        try server.start()
        self.port = server.port
        self.server = Mutex(server)
    }

    func start() throws {
        try server.withLock { try $0.start() }
    }

    func stop() {
        server.withLock { $0.stop() }
    }
}
