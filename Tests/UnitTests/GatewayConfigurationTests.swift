import Foundation
import Prometheus
import Testing

@testable import Gateway

@Suite("Gateway configuration")
struct GatewayConfigurationTests {
    func parse(_ json: String, environment: [String: String] = [:]) throws(GatewayConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration(json: Data(json.utf8), environment: environment)
    }

    @Test func theSimpleFormMapsPrefixesToUpstreams() throws {
        let configuration = try parse(#"{"/auth": "http://127.0.0.1:4001", "/products": "http://catalog:8080/v1/"}"#)
        #expect(configuration.routes.count == 2)
        let products = try #require(configuration.routes.first { $0.prefix == "/products" })
        let upstream = try #require(products.upstreams.first)
        #expect(products.upstreams.count == 1)
        #expect(upstream.host == "catalog")
        #expect(upstream.port == 8080)
        #expect(upstream.basePath == "/v1")
        #expect(upstream.url(path: "/products/1", query: "a=b") == "http://catalog:8080/v1/products/1?a=b")
        #expect(products.auth == nil && products.rateLimit == nil && !products.stripPrefix)
        #expect(products.timeout == .seconds(30) && products.retries == 1 && products.maxBodyBytes == 10 << 20)
    }

    @Test func variablesAreResolvedWithDefaults() throws {
        let json = #"{"/auth": "${ACCOUNTS_URL:-http://127.0.0.1:4001}", "/cart": "http://${CART_HOST}:${CART_PORT:-4003}"}"#
        let configuration = try parse(json, environment: ["CART_HOST": "cart"])
        #expect(configuration.routes.first { $0.prefix == "/auth" }?.upstreams.first?.description == "http://127.0.0.1:4001")
        #expect(configuration.routes.first { $0.prefix == "/cart" }?.upstreams.first?.description == "http://cart:4003")
        let overridden = try parse(json, environment: ["CART_HOST": "cart", "ACCOUNTS_URL": "http://accounts:8080"])
        #expect(overridden.routes.first { $0.prefix == "/auth" }?.upstreams.first?.description == "http://accounts:8080")
    }

    @Test func theRichFormSetsEveryPolicy() throws {
        let json = #"""
            {
              "cors": { "origins": ["https://shop.example", "http://localhost:5173"], "allowCredentials": true, "maxAgeSeconds": 300 },
              "/orders": {
                "upstreams": ["http://orders-1:8080", "${ORDERS_2:-http://orders-2:8080}"], "balance": "least-in-flight",
                "auth": { "roles": ["admin", "customer"] }, "rateLimit": { "requests": 60, "windowSeconds": 10, "key": "user" },
                "timeout": 2.5, "retries": 2, "maxBodyBytes": 4096, "stripPrefix": true
              },
              "/auth": { "upstream": "http://accounts:8080", "auth": false }
            }
            """#
        let configuration = try parse(json)
        let orders = try #require(configuration.routes.first { $0.prefix == "/orders" })
        #expect(orders.upstreams.map(\.host) == ["orders-1", "orders-2"])
        #expect(orders.balance == .leastInFlight)
        #expect(orders.auth == EdgeAuthPolicy(roles: [.admin, .customer]))
        #expect(orders.rateLimit == RateLimitPolicy(requests: 60, windowSeconds: 10, key: .user))
        #expect(orders.timeout == .milliseconds(2500))
        #expect(orders.retries == 2 && orders.maxBodyBytes == 4096 && orders.stripPrefix)
        let auth = try #require(configuration.routes.first { $0.prefix == "/auth" })
        #expect(auth.auth == nil && auth.upstreams.count == 1)
        #expect(configuration.cors == CORSPolicy(allowedOrigins: ["https://shop.example", "http://localhost:5173"], allowCredentials: true, maxAgeSeconds: 300))
        let plain = try parse(#"{"/a": {"upstream": "http://x:1", "auth": true, "rateLimit": {"requests": 3}}}"#)
        #expect(plain.routes.first?.auth == EdgeAuthPolicy(roles: []))
        #expect(plain.routes.first?.rateLimit == RateLimitPolicy(requests: 3, windowSeconds: 60, key: .client))
    }

    @Test func routeDefaultsComeFromTheEnvironmentSettings() throws {
        let defaults = RouteDefaults(timeout: .seconds(5), retries: 0, maxBodyBytes: 100)
        let configuration = try GatewayConfiguration(json: Data(#"{"/a": "http://x:1"}"#.utf8), environment: [:], defaults: defaults)
        let route = try #require(configuration.routes.first)
        #expect(route.timeout == .seconds(5) && route.retries == 0 && route.maxBodyBytes == 100)
    }

    @Test func theRepositoryConfigParsesWithoutEnvironment() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config.json")
        let configuration = try GatewayConfiguration(contentsOfFile: url.path, environment: [:])
        #expect(Set(configuration.routes.map(\.prefix)) == ["/auth", "/users", "/products", "/inventories", "/cart", "/orders", "/payments", "/emails"])
    }

    @Test(arguments: [
        (#"[1, 2]"#, "top level must be an object"),
        (#"{"#, "not valid JSON"),
        (#"{}"#, "no routes"),
        (#"{"auth": "http://a:1"}"#, #"route "auth": a prefix must start with '/'"#),
        (#"{"/a": 5}"#, #"route "/a": the upstream must be a URL string or an object, not a number"#),
        (#"{"/a": {}}"#, #"route "/a": needs "upstream""#),
        (#"{"/a": {"upstream": "http://x:1", "upstreams": ["http://y:1"]}}"#, "has both"),
        (#"{"/a": {"upstreams": []}}"#, "needs"),
        (#"{"/a": {"upstream": "http://x:1", "timout": 3}}"#, #"route "/a": "timout" is not a known setting"#),
        (#"{"/a": {"upstream": "http://x:1", "timeout": "3s"}}"#, #""timeout" must be a number, not a string"#),
        (#"{"/a": {"upstream": "http://x:1", "timeout": 0}}"#, #""timeout" must be between"#),
        (#"{"/a": {"upstream": "http://x:1", "retries": 1.5}}"#, #""retries" must be a whole number"#),
        (#"{"/a": {"upstream": "http://x:1", "balance": "random"}}"#, #""balance" must be one of round-robin, least-in-flight"#),
        (#"{"/a": {"upstream": "http://x:1", "auth": "yes"}}"#, #""auth" must be true, false or"#),
        (#"{"/a": {"upstream": "http://x:1", "auth": {"roles": ["root"]}}}"#, #""auth.roles" names an unknown role "root""#),
        (#"{"/a": {"upstream": "http://x:1", "rateLimit": {"windowSeconds": 5}}}"#, #""rateLimit.requests" is required"#),
        (#"{"/a": {"upstream": "http://x:1", "rateLimit": {"requests": 5, "key": "ip"}}}"#, #""rateLimit.key" must be one of client, user"#),
        (#"{"/a": {"upstream": "http://x:1", "rateLimit": {"requests": 5, "burst": 2}}}"#, #""rateLimit.burst" is not a known setting"#),
        (#"{"/a": {"upstream": "http://x:1", "stripPrefix": 1}}"#, #""stripPrefix" must be true or false, not a number"#),
        (#"{"/a": "http://x:1", "/a/": "http://y:1"}"#, "defined twice"),
        (#"{"/a": "http://x:1", "cors": {"origins": ["shop.example"]}}"#, #""cors.origins" has "shop.example""#),
        (#"{"/a": "http://x:1", "cors": {"origins": ["*"], "allowCredentials": true}}"#, #""cors.allowCredentials" cannot be true"#),
        (#"{"/a": "ftp://x"}"#, #"route "/a": "ftp://x" is not an http(s) URL"#),
        (#"{"/a": "http://x:1/?q=1"}"#, "must not have a query"),
        (#"{"/a": "${NOPE}"}"#, #"route "/a": environment variable NOPE is not set and has no default"#),
        (#"{"/a": "${NOPE"}"#, "unterminated"),
        (#"{"/a?x": "http://x:1"}"#, "plain path"),
    ])
    func invalidConfigurationsSayWhatIsWrong(json: String, message: String) {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(message), "\(error.description) does not contain \(message)")
        }
    }
}

@Suite("Route matching")
struct RouteMatchingTests {
    let table: RouteTable

    init() throws {
        let configuration = try GatewayConfiguration(
            json: Data(#"{"/orders": "http://orders:1", "/orders/admin": "http://admin:2", "/products/": "http://catalog:3"}"#.utf8),
            environment: [:]
        )
        table = RouteTable(configuration, metrics: GatewayMetrics(registry: PrometheusCollectorRegistry()))
    }

    @Test(arguments: [
        ("/orders", "orders"), ("/orders/", "orders"), ("/orders/123", "orders"), ("/orders/admin", "admin"),
        ("/orders/admin/7", "admin"), ("/orders/administrators", "orders"), ("/products", "catalog"), ("/products/9", "catalog"),
    ])
    func theLongestPrefixOnASegmentBoundaryWins(path: String, host: String) {
        #expect(table.route(for: path)?.upstreams.first?.host == host)
    }

    @Test(arguments: ["/", "/order", "/ordersX", "/productsX/1", "/health", ""])
    func otherPathsMatchNothing(path: String) {
        #expect(table.route(for: path) == nil)
    }

    @Test func aRootRouteCatchesEverything() throws {
        let configuration = try GatewayConfiguration(json: Data(#"{"/": "http://web:1", "/api": "http://api:2"}"#.utf8), environment: [:])
        let table = RouteTable(configuration, metrics: GatewayMetrics(registry: PrometheusCollectorRegistry()))
        #expect(table.route(for: "/anything")?.upstreams.first?.host == "web")
        #expect(table.route(for: "/api/x")?.upstreams.first?.host == "api")
    }

    @Test func routesWithTheSameUpstreamsShareAGroupThatSurvivesAReload() throws {
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        let first = try GatewayConfiguration(json: Data(#"{"/a": "http://x:1", "/b": "http://x:1", "/c": "http://y:1"}"#.utf8), environment: [:])
        let table = RouteTable(first, metrics: metrics)
        #expect(table.groups.count == 2)
        let second = try GatewayConfiguration(json: Data(#"{"/a": "http://x:1", "/c": "http://z:1"}"#.utf8), environment: [:])
        let reloaded = RouteTable(second, metrics: metrics, reusing: table)
        #expect(reloaded.entry(for: "/a")?.group === table.entry(for: "/a")?.group)
        #expect(reloaded.entry(for: "/c")?.group !== table.entry(for: "/c")?.group)
    }

    /// A connection keeps the table of its last request; a reload reaches its next request.
    @Test func aCachedTableIsKeptUntilAReload() throws {
        let first = try GatewayConfiguration(json: Data(#"{"/a": "http://x:1"}"#.utf8), environment: [:])
        let live = LiveRouteTable(first, metrics: GatewayMetrics(registry: PrometheusCollectorRegistry()))
        var cache: LiveRouteTable.CachedTable?
        let before = live.table(cachedIn: &cache)
        #expect(before === live.table)
        #expect(live.table(cachedIn: &cache) === before, "the same table, from the cache")
        live.apply(try GatewayConfiguration(json: Data(#"{"/b": "http://y:1"}"#.utf8), environment: [:]))
        let after = live.table(cachedIn: &cache)
        #expect(after !== before && after === live.table)
        #expect(after.route(for: "/b") != nil && after.route(for: "/a") == nil)
        var other: LiveRouteTable.CachedTable?
        #expect(live.table(cachedIn: &other) === after, "a connection without a table gets the current one")
    }

    @Test func stripPrefixRemovesThePrefixFromTheUpstreamPath() throws {
        let configuration = try GatewayConfiguration(
            json: Data(#"{"/api/v1": {"upstream": "http://x:1", "stripPrefix": true}, "/keep": "http://y:1"}"#.utf8), environment: [:]
        )
        let strip = try #require(configuration.routes.first { $0.prefix == "/api/v1" })
        #expect(strip.upstreamPath(for: "/api/v1/products/7") == "/products/7")
        #expect(strip.upstreamPath(for: "/api/v1") == "/")
        let keep = try #require(configuration.routes.first { $0.prefix == "/keep" })
        #expect(keep.upstreamPath(for: "/keep/1") == "/keep/1")
    }
}
