import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import ServiceKit
import Testing

@testable import Gateway

/// What the gateway tests share: an echo upstream and a gateway in this process.
protocol GatewayTesting: Sendable {}

/// What the echo upstream saw.
struct Echo: Codable {
    var method: String
    var path: String
    var query: String?
    var headers: [String: String]
    var body: String
}

extension GatewayTesting {
    /// An upstream that answers every request with what it received, or after a delay on `/slow`.
    func echoUpstream(name: String = "echo") -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.post, .get, .delete, .put] {
            router.on("**", method: method) { request, context in try await echo(request: request, context: context, name: name) }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Sendable func echo(request: Request, context: BasicRequestContext, name: String) async throws -> Response {
        if request.uri.path.hasSuffix("/slow") {
            try await Task.sleep(for: .seconds(3))
        }
        if request.uri.path.hasSuffix("/early") {
            return Response(status: .unauthorized)  // answers without reading the body
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let echo = Echo(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers, body: String(buffer: body))
        var response = Response(status: .created, body: .init(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(echo))))
        response.headers[.contentType] = "application/json"
        response.headers[HTTPField.Name("X-Upstream")!] = name
        response.headers[.connection] = "close"
        return response
    }

    /// A gateway in this process for `routes` (a `config.json` document), with a 1 KiB body limit.
    func gateway(routes: String, timeout: Duration = .seconds(30)) async throws -> some ApplicationProtocol {
        try await gateway(serving: routeTable(routes, timeout: timeout))
    }

    /// The live route table of a test gateway for `routes`, with a 1 KiB body limit.
    func routeTable(_ routes: String, timeout: Duration = .seconds(30), upstreamPolicy: UpstreamHealthPolicy = UpstreamHealthPolicy()) throws -> LiveRouteTable {
        let defaults = RouteDefaults(timeout: timeout, retries: 1, maxBodyBytes: 1024)
        let configuration = try GatewayConfiguration(json: Data(routes.utf8), environment: [:], defaults: defaults)
        return LiveRouteTable(configuration, metrics: GatewayMetrics(registry: PrometheusCollectorRegistry()), upstreamPolicy: upstreamPolicy)
    }

    /// A gateway in this process serving `routes` (its `/metrics` shows the table's registry).
    func gateway(serving routes: LiveRouteTable) async throws -> some ApplicationProtocol {
        let tokens = try await AccessTokens(secret: gatewayTestSecret, lifetime: .seconds(60))
        let proxies = try TrustedProxies(list: "127.0.0.1,::1")
        let router = GatewayApp.makeRouter(
            routes: routes, http: gatewayTestHTTPClient, tokens: tokens, trustedProxies: proxies, metrics: routes.metrics.registry
        )
        var logger = Logger(label: "test.gateway")
        logger.logLevel = .error
        let server = GatewayApp.makeServer(
            routes: routes, tokens: tokens, trustedProxies: proxies, connectTimeout: .seconds(1), idleTimeout: nil, logger: logger
        )
        return Application(router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

/// The upstream client the test gateways use (dead upstreams fail within a second).
let gatewayTestHTTPClient = HTTPClient(configuration: GatewayApp.upstreamClientConfiguration(connectTimeout: .seconds(1)))
/// The JWT secret of the test gateways.
let gatewayTestSecret = "gateway-test-secret-0123456789abcdef-0123"
