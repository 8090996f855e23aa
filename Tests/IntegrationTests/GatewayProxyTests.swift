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
struct GatewayProxyTests: GatewayTesting {
    @Test func forwardsMethodPathQueryHeadersAndBody() async throws {
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try await gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)", "/orders/admin": "http://127.0.0.1:1"}"#)
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
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try await gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)"}"#)
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
        let gateway = try await gateway(routes: #"{"/dead": "http://127.0.0.1:1"}"#)
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
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            let gateway = try await gateway(routes: #"{"/orders": "http://127.0.0.1:\#(port)"}"#, timeout: .milliseconds(500))
            try await gateway.test(.live) { client in
                try await client.execute(uri: "/orders/slow", method: .get) { response in
                    #expect(response.status == .gatewayTimeout)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
