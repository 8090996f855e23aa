import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import Testing

@testable import Gateway

/// CORS and security headers on the gateway's answers, against a real upstream.
@Suite("Gateway CORS and security headers")
struct GatewayEdgeHeadersTests: GatewayTesting {
    static let allowed = "https://shop.example"

    func routes(upstream port: Int, origins: String = #"["https://shop.example"]"#) -> String {
        #"""
        {"cors": {"origins": \#(origins), "allowCredentials": true, "maxAgeSeconds": 300},
         "/orders": {"upstream": "http://127.0.0.1:\#(port)", "auth": true},
         "/products": "http://127.0.0.1:\#(port)"}
        """#
    }

    @Test func aPreflightIsAnsweredByTheGatewayBeforeAuthAndADisallowedOneIsA403Problem() async throws {
        let counter = RequestCounter()
        try await countingUpstream(counter).test(.live) { upstream in
            let gateway = try await edgeGateway(routes: routes(upstream: upstream.port!))
            try await gateway.app.test(.live) { client in
                let preflight: HTTPFields = [
                    .origin: Self.allowed, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type",
                ]
                try await client.execute(uri: "/orders/checkout", method: .options, headers: preflight) { response in
                    #expect(response.status == .noContent)
                    #expect(response.headers[.accessControlAllowOrigin] == Self.allowed)
                    #expect(response.headers[.accessControlAllowCredentials] == "true")
                    #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                    #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                    #expect(response.headers[.accessControlMaxAge] == "300")
                    #expect(response.headers[.vary] == "Origin")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                }
                var evil = preflight
                evil[.origin] = "https://evil.example"
                try await client.execute(uri: "/orders/checkout", method: .options, headers: evil) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                    #expect(String(buffer: response.body).contains("https://evil.example"))
                }
            }
            #expect(counter.value == 0, "a preflight must not reach the upstream")
        }
    }

    @Test func anAllowedOriginGetsCORSHeadersOnAnswersAndProblemsAndOthersGetNone() async throws {
        try await echoUpstream().test(.live) { upstream in
            let gateway = try await edgeGateway(routes: routes(upstream: upstream.port!))
            try await gateway.app.test(.live) { client in
                try await client.execute(uri: "/products/1", method: .get, headers: [.origin: Self.allowed]) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[.accessControlAllowOrigin] == Self.allowed)
                    #expect(response.headers[.accessControlAllowCredentials] == "true")
                    #expect(response.headers[.accessControlExposeHeaders]?.contains("X-Request-Id") == true)
                    #expect(response.headers[.accessControlExposeHeaders]?.contains("RateLimit") == true)
                    #expect(response.headers[.vary]?.contains("Origin") == true)
                }
                try await client.execute(uri: "/orders", method: .get, headers: [.origin: Self.allowed]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.accessControlAllowOrigin] == Self.allowed, "a page must be able to read a problem")
                }
                try await client.execute(uri: "/products/1", method: .get, headers: [.origin: "https://evil.example"]) { response in
                    #expect(response.status == .created, "the request itself is not refused: the browser keeps the answer from the page")
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                    #expect(response.headers[.accessControlAllowCredentials] == nil)
                }
                try await client.execute(uri: "/products/1", method: .get) { response in
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                }
                // A reload changes the origins for the next request.
                gateway.routes.apply(try GatewayConfiguration(json: Data(routes(upstream: upstream.port!, origins: #"["https://evil.example"]"#).utf8), environment: [:]))
                try await client.execute(uri: "/products/1", method: .get, headers: [.origin: "https://evil.example"]) { response in
                    #expect(response.headers[.accessControlAllowOrigin] == "https://evil.example")
                }
            }
        }
    }

    @Test func securityHeadersAreOnProxiedAnswersProblemsAndTheGatewaysOwnRoutes() async throws {
        try await echoUpstream().test(.live) { upstream in
            let gateway = try await edgeGateway(routes: routes(upstream: upstream.port!))
            try await gateway.app.test(.live) { client in
                for (path, status) in [("/products/1", 201), ("/nowhere", 404), ("/health", 200), ("/orders", 401)] {
                    try await client.execute(uri: path, method: .get) { response in
                        #expect(response.status.code == status, "\(path)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
                        #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'", "\(path)")
                        #expect(response.headers[.strictTransportSecurity] == nil, "\(path): HSTS only over HTTPS")
                    }
                }
                // Over HTTPS at a TLS terminator on a trusted address (loopback here): HSTS too.
                try await client.execute(uri: "/products/1", method: .get, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"]) { response in
                    #expect(response.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains")
                }
            }
        }
    }
}
