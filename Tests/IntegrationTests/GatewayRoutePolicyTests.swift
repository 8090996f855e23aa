import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import Testing

@testable import Gateway

/// The per-route policies of `config.json` against real upstreams on loopback.
@Suite("Gateway route policies")
struct GatewayRoutePolicyTests: GatewayTesting {
    @Test func stripPrefixSendsThePathWithoutIt() async throws {
        try await echoUpstream().test(.live) { upstream in
            let port = try #require(upstream.port)
            let gateway = try await gateway(routes: #"{"/api/v1": {"upstream": "http://127.0.0.1:\#(port)/base", "stripPrefix": true}}"#)
            try await gateway.test(.live) { client in
                try await client.execute(uri: "/api/v1/products/7?x=1", method: .get) { response in
                    let echo = try JSONDecoder().decode(Echo.self, from: Data(buffer: response.body))
                    #expect(echo.path == "/base/products/7")
                    #expect(echo.query == "x=1")
                }
            }
        }
    }

    @Test func roundRobinSpreadsRequestsOverEveryUpstream() async throws {
        try await echoUpstream(name: "one").test(.live) { one in
            try await echoUpstream(name: "two").test(.live) { two in
                let routes = #"{"/orders": {"upstreams": ["http://127.0.0.1:\#(one.port!)", "http://127.0.0.1:\#(two.port!)"]}}"#
                try await gateway(routes: routes).test(.live) { client in
                    var seen: [String: Int] = [:]
                    for _ in 0..<10 {
                        try await client.execute(uri: "/orders", method: .get) { response in
                            #expect(response.status == .created)
                            seen[response.headers[HTTPField.Name("X-Upstream")!] ?? "?", default: 0] += 1
                        }
                    }
                    #expect(seen == ["one": 5, "two": 5])
                }
            }
        }
    }

    @Test func anIdempotentRequestMovesOnFromARefusedAddressAndAPostDoesNot() async throws {
        try await echoUpstream(name: "alive").test(.live) { alive in
            let routes = #"{"/orders": {"upstreams": ["http://127.0.0.1:1", "http://127.0.0.1:\#(alive.port!)"], "retries": 1}}"#
            try await gateway(routes: routes).test(.live) { client in
                // POSTs first: the GETs' failed attempts get the dead address ejected, and then no POST reaches it.
                var postStatuses: [HTTPResponse.Status] = []
                for _ in 0..<4 {
                    try await client.execute(uri: "/orders", method: .post, body: ByteBuffer(string: "{}")) { response in
                        postStatuses.append(response.status)
                    }
                }
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<4 {
                    try await client.execute(uri: "/orders", method: .get) { response in statuses.append(response.status) }
                }
                #expect(statuses == Array(repeating: .created, count: 4), "a GET must be retried on the live address")
                #expect(postStatuses.contains(.badGateway), "a POST must not be sent again: \(postStatuses)")
                #expect(postStatuses.contains(.created))
            }
        }
    }

    @Test func authAtTheEdgeRefusesAnonymousForgedAndWrongRoleCallersAndForwardsTheCaller() async throws {
        try await echoUpstream().test(.live) { upstream in
            let port = try #require(upstream.port)
            let routes = #"""
                {"/orders": {"upstream": "http://127.0.0.1:\#(port)", "auth": true},
                 "/admin": {"upstream": "http://127.0.0.1:\#(port)", "auth": {"roles": ["admin"]}},
                 "/open": "http://127.0.0.1:\#(port)"}
                """#
            let tokens = try await AccessTokens(secret: gatewayTestSecret, lifetime: .seconds(60))
            let userId = UUID()
            let customer = try await tokens.sign(userId: userId, email: "c@example.com", role: .customer)
            let forger = try await AccessTokens(secret: "another-secret-0123456789abcdef-0123456", lifetime: .seconds(60))
            let forged = try await forger.sign(userId: userId, email: "c@example.com", role: .admin)
            try await gateway(routes: routes).test(.live) { client in
                try await client.execute(uri: "/orders", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: "/orders", method: .get, headers: [.authorization: "Bearer \(forged)"]) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/admin/x", method: .get, headers: [.authorization: "Bearer \(customer)"]) { response in
                    #expect(response.status == .forbidden)
                }
                var spoofing: HTTPFields = [.authorization: "Bearer \(customer)"]
                spoofing[HTTPField.Name("X-Authenticated-Role")!] = "admin"
                try await client.execute(uri: "/orders/1", method: .get, headers: spoofing) { response in
                    #expect(response.status == .created)
                    let echo = try JSONDecoder().decode(Echo.self, from: Data(buffer: response.body))
                    #expect(echo.headers["x-authenticated-user-id"] == userId.uuidString.lowercased())
                    #expect(echo.headers["x-authenticated-role"] == "customer")
                    #expect(echo.headers["authorization"] == "Bearer \(customer)", "the service checks the token itself")
                }
                var anonymousSpoof = HTTPFields()
                anonymousSpoof[HTTPField.Name("X-Authenticated-User-Id")!] = userId.uuidString
                try await client.execute(uri: "/open/x", method: .get, headers: anonymousSpoof) { response in
                    let echo = try JSONDecoder().decode(Echo.self, from: Data(buffer: response.body))
                    #expect(echo.headers["x-authenticated-user-id"] == nil, "a client must never set the forwarded identity")
                }
            }
        }
    }
}
