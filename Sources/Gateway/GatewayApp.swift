import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceKit

/// The edge: routes each request by the longest matching prefix of `config.json` to one of
/// its upstreams, with the route's policies (edge auth, rate limit, timeout, retries, body
/// limit). It holds no business logic: every service still checks tokens itself.
@main
struct GatewayApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "gateway")
        await bootstrap.runOrExit {
            let settings = try GatewaySettings(config: bootstrap.config)
            let environment = ProcessInfo.processInfo.environment
            let configuration = try GatewayConfiguration(contentsOfFile: settings.configPath, environment: environment, defaults: settings.routeDefaults)
            let metrics = GatewayMetrics(registry: bootstrap.metrics)
            let routes = LiveRouteTable(configuration, metrics: metrics, upstreamPolicy: settings.upstreamPolicy, logger: bootstrap.logger)
            for entry in routes.table.entries {
                bootstrap.logger.info("route", metadata: ["prefix": "\(entry.route.prefix)", "upstreams": "\(entry.group.name)"])
            }
            let contract = try APIContract(contentsOfFile: bootstrap.config.string(forKey: "openapi.path", default: "openapi.yaml"))
            let tokens = try await AccessTokens(config: bootstrap.config)
            let trustedProxies = try TrustedProxies(config: bootstrap.config)
            let rateLimitRedis = try RateLimiter.redisClient(
                url: bootstrap.config.required("redis.url", isSecret: true), timeout: settings.rateLimitTimeout, logger: bootstrap.logger
            )
            let rateLimiter = RateLimiter(
                redis: rateLimitRedis, timeout: settings.rateLimitTimeout, trustedProxies: trustedProxies,
                authenticator: EdgeAuthenticator(tokens: tokens), metrics: metrics, logger: bootstrap.logger
            )
            // Last of what is set up, so a bad setting above never leaves a client un-shut-down.
            let http = HTTPClient(configuration: upstreamClientConfiguration(connectTimeout: settings.connectTimeout))
            let router = makeRouter(
                routes: routes, http: http, tokens: tokens, trustedProxies: trustedProxies, rateLimiter: rateLimiter,
                metrics: bootstrap.metrics
            )
            contract.addRoute(to: router)
            let server = makeServer(
                routes: routes, tokens: tokens, trustedProxies: trustedProxies, rateLimiter: rateLimiter,
                connectTimeout: settings.connectTimeout, idleTimeout: settings.clientIdleTimeout, logger: bootstrap.logger
            )
            let reloader = ConfigurationReloader(
                path: settings.configPath, environment: environment, defaults: settings.routeDefaults, routes: routes,
                pollInterval: settings.configPollInterval, logger: bootstrap.logger
            )
            let resolution = UpstreamResolution(routes: routes, interval: settings.resolveInterval, logger: bootstrap.logger)
            do {
                try await bootstrap.run(
                    router: router, defaultPort: 3000, services: [HTTPClientService(client: http), rateLimitRedis, reloader, resolution],
                    server: server
                )
            } catch {
                try? await http.shutdown()  // the server did not start (its port is taken...)
                throw error
            }
        }
    }
}

extension GatewayApp {
    /// The upstream client: keep-alive pools per upstream address. A refused connection fails
    /// at once (the gateway tries another address itself) and a silent one within `connectTimeout`.
    static func upstreamClientConfiguration(connectTimeout: TimeAmount) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // The gateway passes the caller's `traceparent` on itself; no client spans per request.
        configuration.tracing.tracer = nil
        return configuration
    }

    /// The gateway's server: bodiless proxied requests relayed on the event loops (``EdgeProxy``),
    /// the rest through the router of ``makeRouter(routes:http:tokens:trustedProxies:rateLimiter:metrics:)``.
    static func makeServer(
        routes: LiveRouteTable, tokens: AccessTokens?, trustedProxies: TrustedProxies, rateLimiter: RateLimiter? = nil,
        connectTimeout: TimeAmount, idleTimeout: TimeAmount?, logger: Logger
    ) -> HTTPServerBuilder {
        let proxy = EdgeProxy(
            routes: routes,
            connections: UpstreamConnectionPool(connectTimeout: connectTimeout),
            edgeAuthenticator: EdgeAuthenticator(tokens: tokens),
            rateLimiter: rateLimiter,
            securityHeaders: SecurityHeadersMiddleware(trustedProxies: trustedProxies),
            logger: logger
        )
        return .gateway(proxy: proxy, idleTimeout: idleTimeout.map { Duration($0) })
    }

    /// The gateway's router: the standard one (request ids, trace context, access log,
    /// security headers and CORS on every answer, problem+json, metrics, `/health`, `/ready`
    /// reporting every upstream group and the rate limiter's Redis, `/metrics`) with the proxy in
    /// front of the rest.
    static func makeRouter(
        routes: LiveRouteTable, http: HTTPClient, tokens: AccessTokens?, trustedProxies: TrustedProxies, rateLimiter: RateLimiter? = nil,
        metrics: PrometheusCollectorRegistry
    ) -> Router<ShopRequestContext> {
        var readiness = [
            ReadinessCheck("upstreams", results: { await UpstreamProbe.report(routes.table.groups, http: http) })
        ]
        if let rateLimiter {
            readiness.append(rateLimiter.readinessCheck)
        }
        let edge: [any MiddlewareProtocol<Request, Response, ShopRequestContext>] = [
            SecurityHeadersMiddleware(trustedProxies: trustedProxies), CORSMiddleware(routes: routes),
        ]
        let router = ShopRouter.make(metrics: metrics, tokens: nil, readiness: readiness, edge: edge)
        router.add(
            middleware: ProxyMiddleware(
                routes: routes, http: http, edgeAuthenticator: EdgeAuthenticator(tokens: tokens), rateLimiter: rateLimiter
            )
        )
        return router
    }
}
