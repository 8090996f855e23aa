import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

@testable import Gateway

/// The gateway's proxy against a real upstream HTTP server on loopback.
@Suite("Gateway proxy")
struct GatewayProxyTests {
    /// What the echo upstream saw.
    struct Echo: Codable {
        var method: String
        var path: String
        var query: String?
        var headers: [String: String]
        var body: String
    }

    /// An upstream that answers every request with what it received, or after a delay on `/slow`.
    func upstream() -> some ApplicationProtocol {
        let router = Router()
        router.on("**", method: .post, use: echo)
        router.on("**", method: .get, use: echo)
        router.on("**", method: .delete, use: echo)
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Sendable func echo(request: Request, context: BasicRequestContext) async throws -> Response {
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
        response.headers[HTTPField.Name("X-Upstream")!] = "echo"
        response.headers[.connection] = "close"
        return response
    }

    /// The upstream client the gateway uses (dead upstreams fail within a second).
    static let http = HTTPClient(configuration: GatewayApp.upstreamClientConfiguration(connectTimeout: .seconds(1)))

    func gateway(routes: String, timeout: TimeAmount = .seconds(30)) throws -> some ApplicationProtocol {
        let configuration = try GatewayConfiguration(json: Data(routes.utf8), environment: [:])
        let router = GatewayApp.makeRouter(
            table: RouteTable(configuration), http: Self.http, timeout: timeout, maxBodyBytes: 1024, metrics: PrometheusCollectorRegistry()
        )
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func forwardsMethodPathQueryHeadersAndBody() async throws {
        try await upstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)", "/orders/admin": "http://127.0.0.1:1"}"#)
            try await gateway.test(.live) { client in
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                headers[.authorization] = "Bearer token-1"
                headers[HTTPField.Name("X-Request-Id")!] = "test-request-1"
                headers[HTTPField.Name("X-Custom")!] = "kept"
                let body = #"{"hello":"world"}"#
                try await client.execute(uri: "/orders/checkout?x=1&y=two", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[HTTPField.Name("X-Upstream")!] == "echo")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "test-request-1")
                    #expect(response.headers[.connection] == nil, "a hop-by-hop header crossed the gateway")
                    let echo = try JSONDecoder().decode(Echo.self, from: Data(buffer: response.body))
                    #expect(echo.method == "POST")
                    #expect(echo.path == "/orders/checkout")
                    #expect(echo.query == "x=1&y=two")
                    #expect(echo.body == body)
                    #expect(echo.headers["authorization"] == "Bearer token-1")
                    #expect(echo.headers["x-custom"] == "kept")
                    #expect(echo.headers["x-request-id"] == "test-request-1")
                    #expect(echo.headers["x-forwarded-for"] == "127.0.0.1")
                    #expect(echo.headers["x-forwarded-proto"] == "http")
                }
                try await client.execute(uri: "/orders", method: .delete) { response in
                    let echo = try JSONDecoder().decode(Echo.self, from: Data(buffer: response.body))
                    #expect(echo.method == "DELETE")
                    #expect(echo.path == "/orders")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false, "the gateway made no request id")
                }
            }
        }
    }

    @Test func anEarlyAnswerAndAnOversizedBodyLeaveTheConnectionUsable() async throws {
        try await upstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)"}"#)
            try await gateway.test(.live) { client in
                for _ in 0..<3 {
                    try await client.execute(uri: "/orders/early", method: .post, body: ByteBuffer(repeating: 65, count: 900)) { response in
                        #expect(response.status == .unauthorized)
                    }
                }
                try await client.execute(uri: "/orders/big", method: .post, body: ByteBuffer(repeating: 65, count: 5000)) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/orders/after", method: .post, body: ByteBuffer(string: "ok")) { response in
                    #expect(response.status == .created)
                }
            }
        }
    }

    @Test func aDeadUpstreamIs502AndAnUnknownPrefix404AsProblems() async throws {
        let gateway = try gateway(routes: #"{"/dead": "http://127.0.0.1:1"}"#)
        try await gateway.test(.live) { client in
            try await client.execute(uri: "/dead/anything", method: .get) { response in
                #expect(response.status == .badGateway)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("/dead"))
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable, "/ready must say the dead upstream is down")
            }
        }
    }

    @Test func aSlowUpstreamIs504() async throws {
        try await upstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)"}"#, timeout: .milliseconds(500))
            try await gateway.test(.live) { client in
                try await client.execute(uri: "/orders/slow", method: .get) { response in
                    #expect(response.status == .gatewayTimeout)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
