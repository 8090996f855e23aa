import Foundation
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
        #expect(products.upstream.host == "catalog")
        #expect(products.upstream.port == 8080)
        #expect(products.upstream.basePath == "/v1")
        #expect(products.upstream.url(path: "/products/1", query: "a=b") == "http://catalog:8080/v1/products/1?a=b")
    }

    @Test func variablesAreResolvedWithDefaults() throws {
        let json = #"{"/auth": "${ACCOUNTS_URL:-http://127.0.0.1:4001}", "/cart": "http://${CART_HOST}:${CART_PORT:-4003}"}"#
        let configuration = try parse(json, environment: ["CART_HOST": "cart"])
        #expect(configuration.routes.first { $0.prefix == "/auth" }?.upstream.description == "http://127.0.0.1:4001")
        #expect(configuration.routes.first { $0.prefix == "/cart" }?.upstream.description == "http://cart:4003")
        let overridden = try parse(json, environment: ["CART_HOST": "cart", "ACCOUNTS_URL": "http://accounts:8080"])
        #expect(overridden.routes.first { $0.prefix == "/auth" }?.upstream.description == "http://accounts:8080")
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
        (#"{"/a": 5}"#, #"route "/a": the upstream must be a URL string"#),
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
        table = RouteTable(configuration)
    }

    @Test(arguments: [
        ("/orders", "orders"), ("/orders/", "orders"), ("/orders/123", "orders"), ("/orders/admin", "admin"),
        ("/orders/admin/7", "admin"), ("/orders/administrators", "orders"), ("/products", "catalog"), ("/products/9", "catalog"),
    ])
    func theLongestPrefixOnASegmentBoundaryWins(path: String, host: String) {
        #expect(table.route(for: path)?.upstream.host == host)
    }

    @Test(arguments: ["/", "/order", "/ordersX", "/productsX/1", "/health", ""])
    func otherPathsMatchNothing(path: String) {
        #expect(table.route(for: path) == nil)
    }

    @Test func aRootRouteCatchesEverything() throws {
        let configuration = try GatewayConfiguration(json: Data(#"{"/": "http://web:1", "/api": "http://api:2"}"#.utf8), environment: [:])
        let table = RouteTable(configuration)
        #expect(table.route(for: "/anything")?.upstream.host == "web")
        #expect(table.route(for: "/api/x")?.upstream.host == "api")
    }

    @Test func upstreamsAreListedOnce() throws {
        let configuration = try GatewayConfiguration(json: Data(#"{"/a": "http://x:1", "/b": "http://x:1", "/c": "http://y:1"}"#.utf8), environment: [:])
        #expect(RouteTable(configuration).upstreams.count == 2)
    }
}
