import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Prometheus
import ServiceKit

/// The edge: routes each request by the longest matching prefix of `config.json` to its
/// service. It holds no business logic and no auth of its own: every service checks tokens itself.
@main
struct GatewayApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "gateway")
        await bootstrap.runOrExit {
            let path = bootstrap.config.string(forKey: "gateway.config", default: "config.json")
            let configuration = try GatewayConfiguration(contentsOfFile: path, environment: ProcessInfo.processInfo.environment)
            let table = RouteTable(configuration)
            for route in table.routes {
                bootstrap.logger.info("route", metadata: ["prefix": "\(route.prefix)", "upstream": "\(route.upstream)"])
            }
            let timeout = try bootstrap.config.integer("gateway.timeoutSeconds", default: 30, in: 1...600)
            let maxBodyBytes = try bootstrap.config.integer("gateway.maxBodyBytes", default: 10 << 20, in: 1...(1 << 30))
            let connectTimeout = try bootstrap.config.integer("gateway.connectTimeoutMs", default: 2000, in: 10...60_000)
            let http = HTTPClient(configuration: upstreamClientConfiguration(connectTimeout: .milliseconds(Int64(connectTimeout))))
            let contract = try APIContract(contentsOfFile: bootstrap.config.string(forKey: "openapi.path", default: "openapi.yaml"))
            let router = makeRouter(
                table: table, http: http, timeout: .seconds(Int64(timeout)), maxBodyBytes: maxBodyBytes, metrics: bootstrap.metrics
            )
            contract.addRoute(to: router)
            try await bootstrap.run(router: router, defaultPort: 3000, services: [HTTPClientService(client: http)])
        }
    }
}

extension GatewayApp {
    /// The upstream client: keep-alive pools per upstream, and a dead upstream fails within
    /// `connectTimeout` (connection attempts are retried with backoff only that long).
    static func upstreamClientConfiguration(connectTimeout: TimeAmount) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return configuration
    }

    /// The gateway's router: the standard one (no authentication: the services check tokens
    /// themselves) with `/ready` probing every upstream, and the proxy in front of the rest.
    static func makeRouter(
        table: RouteTable, http: HTTPClient, timeout: TimeAmount, maxBodyBytes: Int, metrics: PrometheusCollectorRegistry
    ) -> Router<ShopRequestContext> {
        let readiness = table.upstreams.map { upstream in
            ReadinessCheck(upstream.description) { await UpstreamProbe.isHealthy(upstream, http: http) }
        }
        let router = ShopRouter.make(metrics: metrics, tokens: nil, readiness: readiness)
        router.add(middleware: ProxyMiddleware(table: table, http: http, timeout: timeout, maxBodyBytes: maxBodyBytes))
        return router
    }
}

/// Asks an upstream's `/health`, briefly.
enum UpstreamProbe {
    static func isHealthy(_ upstream: Upstream, http: HTTPClient) async -> Bool {
        let request = HTTPClientRequest(url: upstream.url(path: "/health", query: nil))
        guard let response = try? await http.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return response.status == .ok
    }
}
