import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RedisStore
import ServiceKit
import Testing
import TestSupport

@testable import Gateway

/// Routes' rate limits against real upstreams and a private `redis-server` per test.
@Suite("Gateway rate limits")
struct GatewayRateLimitTests: GatewayTesting {
    static let rateLimitField = HTTPField.Name("RateLimit")!
    static let rateLimitPolicyField = HTTPField.Name("RateLimit-Policy")!

    @Test func the429ComesAfterTheLimitWithRetryAfterAndRateLimitHeadersAndNothingIsForwarded() async throws {
        let redis = try SharedRedisTestServer()
        defer { redis.stop() }
        let counter = RequestCounter()
        try await countingUpstream(counter).test(.live) { upstream in
            let routes = #"""
                {"/limited": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "rateLimit": {"requests": 3, "windowSeconds": 60}},
                 "/dead": {"upstream": "http://127.0.0.1:1", "rateLimit": {"requests": 3, "windowSeconds": 60}}}
                """#
            let gateway = try await edgeGateway(routes: routes, redisPort: redis.port)
            try await gateway.app.test(.live) { client in
                for remaining in [2, 1, 0] {
                    try await client.execute(uri: "/limited/x", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[Self.rateLimitPolicyField] == #""/limited";q=3;w=60"#)
                        #expect(response.headers[Self.rateLimitField]?.hasPrefix(#""/limited";r=\#(remaining);t="#) == true, "\(response.headers)")
                    }
                }
                try await client.execute(uri: "/limited/x", method: .post, body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let retryAfter = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                    #expect((1...20).contains(retryAfter), "one request comes back every 20 s")
                    #expect(response.headers[Self.rateLimitField]?.hasPrefix(#""/limited";r=0;t="#) == true)
                    #expect(response.headers[Self.rateLimitPolicyField] == #""/limited";q=3;w=60"#)
                    #expect(String(buffer: response.body).contains("3 per 60 s"))
                }
                // A client behind a trusted proxy (loopback) is counted by its forwarded address.
                try await client.execute(uri: "/limited/x", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[Self.rateLimitField]?.hasPrefix(#""/limited";r=2;"#) == true)
                }
                // The gateway's own problems on a limited route say the quota too.
                try await client.execute(uri: "/dead", method: .get) { response in
                    #expect(response.status == .badGateway)
                    #expect(response.headers[Self.rateLimitField]?.hasPrefix(#""/dead";r=2;"#) == true, "\(response.headers)")
                }
            }
            #expect(counter.value == 4, "a refused request must not reach the upstream")
            #expect(gateway.metricsText.contains(#"gateway_rate_limited_total{route="/limited"} 1"#), "\(gateway.metricsText)")
        }
    }

    @Test func theLimitHoldsAcrossTwoGatewaysSharingOneRedis() async throws {
        let redis = try SharedRedisTestServer()
        defer { redis.stop() }
        let counter = RequestCounter()
        try await countingUpstream(counter).test(.live) { upstream in
            let routes = #"{"/shared": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "rateLimit": {"requests": 5, "windowSeconds": 300}}}"#
            let first = try await edgeGateway(routes: routes, redisPort: redis.port)
            let second = try await edgeGateway(routes: routes, redisPort: redis.port)
            try await first.app.test(.live) { one in
                try await second.app.test(.live) { two in
                    var statuses: [HTTPResponse.Status] = []
                    for index in 0..<10 {
                        let client = index.isMultiple(of: 2) ? one : two
                        try await client.execute(uri: "/shared", method: .get) { response in statuses.append(response.status) }
                    }
                    #expect(statuses == Array(repeating: .ok, count: 5) + Array(repeating: .tooManyRequests, count: 5), "\(statuses)")
                }
            }
            #expect(counter.value == 5)
        }
    }

    @Test func aPerUserLimitCountsEachUserApartAndAnonymousCallersByAddress() async throws {
        let redis = try SharedRedisTestServer()
        defer { redis.stop() }
        let tokens = try await AccessTokens(secret: gatewayTestSecret, lifetime: .seconds(60))
        let ada = try await tokens.sign(userId: UUID(), email: "ada@example.com", role: .customer)
        let bob = try await tokens.sign(userId: UUID(), email: "bob@example.com", role: .customer)
        try await echoUpstream().test(.live) { upstream in
            let routes = #"""
                {"/orders": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "auth": true, "rateLimit": {"requests": 2, "windowSeconds": 60, "key": "user"}},
                 "/products": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "rateLimit": {"requests": 2, "windowSeconds": 60, "key": "user"}}}
                """#
            let gateway = try await edgeGateway(routes: routes, redisPort: redis.port)
            try await gateway.app.test(.live) { client in
                func statuses(_ path: String, token: String?, count: Int) async throws -> [Int] {
                    var statuses: [Int] = []
                    for _ in 0..<count {
                        let headers: HTTPFields = token.map { [.authorization: "Bearer \($0)"] } ?? [:]
                        try await client.execute(uri: path, method: .get, headers: headers) { statuses.append($0.status.code) }
                    }
                    return statuses
                }
                let adaOrders = try await statuses("/orders", token: ada, count: 3)
                #expect(adaOrders == [201, 201, 429])
                let bobOrders = try await statuses("/orders", token: bob, count: 2)
                #expect(bobOrders == [201, 201], "another user has an allowance of their own")
                // Without edge auth the gateway still reads a valid token; anonymous callers share their address's allowance.
                let adaProducts = try await statuses("/products", token: ada, count: 3)
                #expect(adaProducts == [201, 201, 429])
                let anonymousProducts = try await statuses("/products", token: nil, count: 3)
                #expect(anonymousProducts == [201, 201, 429])
                let forgedProducts = try await statuses("/products", token: "not-a-token", count: 1)
                #expect(forgedProducts == [429], "an invalid token counts as anonymous")
            }
        }
    }

    @Test func whenRedisIsDownRequestsGoThroughAndTheGatewayStaysReady() async throws {
        let redis = try SharedRedisTestServer()
        defer { redis.stop() }
        let counter = RequestCounter()
        try await countingUpstream(counter).test(.live) { upstream in
            let routes = #"{"/limited": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "rateLimit": {"requests": 2, "windowSeconds": 60}}}"#
            let gateway = try await edgeGateway(routes: routes, redisPort: redis.port)
            try await gateway.app.test(.live) { client in
                try await client.execute(uri: "/limited", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[Self.rateLimitField] != nil)
                }
                redis.stop()
                for _ in 0..<5 {
                    try await client.execute(uri: "/limited", method: .get) { response in
                        #expect(response.status == .ok, "the gateway must fail open")
                        #expect(response.headers[Self.rateLimitField] == nil, "no quota is known without Redis")
                    }
                }
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .ok, "the gateway serves without Redis, so it stays ready")
                    #expect(String(buffer: response.body).contains(#""redis":"degraded""#), "\(String(buffer: response.body))")
                }
                let unavailable = gateway.metricsText.split(separator: "\n").first { $0.hasPrefix("gateway_rate_limiter_unavailable_total ") }
                #expect(unavailable.flatMap { Int($0.split(separator: " ").last!) } == 5, "\(gateway.metricsText)")

                // Redis back: the same limiter counts again once it reconnects (its backoff is short).
                try redis.start()
                let counted = try await APIClient.eventually(timeout: .seconds(20), interval: .milliseconds(200)) { () async throws -> Bool? in
                    var limited = false
                    try await client.execute(uri: "/limited", method: .get) { limited = $0.headers[Self.rateLimitField] != nil }
                    return limited ? true : nil
                }
                #expect(counted == true, "the limiter must use Redis again once it is back")
            }
        }
        #expect(counter.value >= 7)
    }

    @Test func gcraLetsABurstThroughThenOneRequestPerIntervalUsingTheGivenClock() async throws {
        let server = try SharedRedisTestServer()
        defer { server.stop() }
        try await withRedisClient(RedisConfiguration(url: "redis://127.0.0.1:\(server.port)/0", poolSize: 1)) { redis async throws in
            let counter = RateLimitCounter(redis: redis)
            // One request back every 20 s. The key's TTL runs on Redis' own clock, so the periods are
            // long enough that a loaded machine's pauses between these calls cannot expire it.
            let policy = RateLimitPolicy(requests: 4, windowSeconds: 80, key: .client)
            let key = "gcra-test"
            let start: Int64 = 1_000_000
            var burst: [RateLimitDecision] = []
            for _ in 0..<5 {
                burst.append(try await counter.take(key: key, policy: policy, now: start))
            }
            #expect(burst.map(\.allowed) == [true, true, true, true, false])
            #expect(burst.map(\.remaining) == [3, 2, 1, 0, 0])
            #expect(burst[4].retryAfter == .seconds(20))
            #expect(burst[3].resetAfter == .seconds(80))
            // 19.999 s later: still refused; at 20 s one request, and only one, comes back.
            let justBefore = try await counter.take(key: key, policy: policy, now: start + 19_999).allowed
            #expect(justBefore == false)
            let later = try await counter.take(key: key, policy: policy, now: start + 20_000)
            #expect(later.allowed && later.remaining == 0)
            let again = try await counter.take(key: key, policy: policy, now: start + 20_000).allowed
            #expect(again == false)
            // A full window after the last request, the whole burst is back.
            let rested = try await counter.take(key: key, policy: policy, now: start + 20_000 + 80_000)
            #expect(rested.allowed && rested.remaining == 3)
            // The key expires once the allowance is full again: Redis keeps nothing for idle callers.
            let ttl = try await redis.send("PTTL", [key]).int ?? -3
            #expect((1...20_000).contains(ttl), "ttl \(ttl)")
        }
    }
}
