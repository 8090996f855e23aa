import Foundation
import HTTPTypes
import NIOHTTP1
import Logging
import Prometheus
import ServiceKit
import Testing

@testable import Gateway

/// Which requests the gateway's event-loop proxy path takes (``EdgeProxy``); the rest go
/// through Hummingbird's router.
@Suite("Gateway event-loop path")
struct GatewayEventLoopPathTests {
    let proxy: EdgeProxy

    init() throws {
        let json = #"{"/r": "http://127.0.0.1:4001", "/tls": "https://catalog.example", "/split": {"upstreams": ["http://127.0.0.1:1", "https://a.example"]}}"#
        let configuration = try GatewayConfiguration(json: Data(json.utf8), environment: [:])
        let routes = LiveRouteTable(configuration, metrics: GatewayMetrics(registry: PrometheusCollectorRegistry()))
        proxy = EdgeProxy(
            routes: routes, connections: UpstreamConnectionPool(connectTimeout: .seconds(1)), edgeAuthenticator: EdgeAuthenticator(tokens: nil),
            rateLimiter: nil, securityHeaders: SecurityHeadersMiddleware(trustedProxies: try TrustedProxies(list: "")), logger: Logger(label: "test")
        )
    }

    func request(_ target: String, _ headers: [(String, String)] = []) -> HTTPRequestHead {
        request(.GET, target, headers)
    }

    func request(_ method: HTTPMethod, _ target: String, _ headers: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: HTTPHeaders([("Host", "gateway")] + headers))
    }

    @Test func bodilessRequestsOnPlainHTTPRoutesTakeIt() {
        #expect(proxy.entry(for: request("/r/products?page=2"), in: proxy.routes.table)?.entry.route.prefix == "/r")
        #expect(proxy.entry(for: request(.DELETE, "/r/cart/items/1"), in: proxy.routes.table)?.entry.route.prefix == "/r")
        #expect(proxy.entry(for: request(.POST, "/r/orders/1/cancel", [("Content-Length", "0")]), in: proxy.routes.table)?.entry.route.prefix == "/r")
        #expect(proxy.entry(for: request(.OPTIONS, "/r/x", [("origin", "http://localhost:3000")]), in: proxy.routes.table)?.entry.route.prefix == "/r", "only preflights are the router's")
    }

    @Test func bodiesPreflightsUpgradesTLSAndOtherPathsDoNot() {
        #expect(proxy.entry(for: request(.POST, "/r/orders", [("Content-Length", "12")]), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request(.PUT, "/r/orders", [("Transfer-Encoding", "chunked")]), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request(.OPTIONS, "/r/x", [("Origin", "http://localhost:3000"), ("access-control-request-method", "POST")]), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request("/r/socket", [("Upgrade", "websocket"), ("Connection", "upgrade")]), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request("/tls/products"), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request("/split/x"), in: proxy.routes.table) == nil, "a route with one https upstream stays on the router's path")
        #expect(proxy.entry(for: request("/health"), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request("/rr"), in: proxy.routes.table) == nil)
        #expect(proxy.entry(for: request("http://gateway/r/products"), in: proxy.routes.table) == nil, "an absolute-form target is the router's")
        #expect(proxy.entry(for: request(.CONNECT, "/r/x"), in: proxy.routes.table) == nil)
    }

    @Test func targetsSplitIntoPathAndQuery() {
        #expect(EdgeProxy.path(of: "/r/a?b=c&d") == "/r/a")
        #expect(EdgeProxy.query(of: "/r/a?b=c&d") == "b=c&d")
        #expect(EdgeProxy.path(of: "/r/a") == "/r/a")
        #expect(EdgeProxy.query(of: "/r/a") == nil)
        #expect(EdgeProxy.query(of: "/r/a?") == "")
    }
}
