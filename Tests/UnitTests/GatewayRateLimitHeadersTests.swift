import Foundation
import HTTPTypes
import Testing

@testable import Gateway

/// The pure parts of rate limiting: the headers a client reads, whom a request counts
/// against, and the throttled warning.
@Suite("Gateway rate-limit headers, keys and log throttle")
struct GatewayRateLimitHeadersTests {
    static let policy = RateLimitPolicy(requests: 20, windowSeconds: 60, key: .client)

    @Test func allowedAnswersCarryThePolicyAndTheRemainingAllowance() {
        let decision = RateLimitDecision(allowed: true, remaining: 17, resetAfter: .milliseconds(9_001), retryAfter: .zero)
        var headers = HTTPFields()
        RateLimitQuota(route: "/auth", policy: Self.policy, decision: decision).addHeaders(to: &headers)
        #expect(headers[HTTPField.Name("RateLimit-Policy")!] == #""/auth";q=20;w=60"#)
        #expect(headers[HTTPField.Name("RateLimit")!] == #""/auth";r=17;t=10"#, "seconds round up")
        #expect(headers[.retryAfter] == nil)
    }

    @Test func aRefusalIsA429ProblemWithRetryAfterOfAtLeastOneSecond() {
        let soon = RateLimitDecision(allowed: false, remaining: 0, resetAfter: .seconds(60), retryAfter: .milliseconds(200))
        let problem = RateLimitQuota(route: "/orders", policy: RateLimitPolicy(requests: 60, windowSeconds: 60, key: .user), decision: soon).problem
        #expect(problem.status == .tooManyRequests)
        #expect(problem.headers[.retryAfter] == "1")
        #expect(problem.headers[HTTPField.Name("RateLimit")!] == #""/orders";r=0;t=60"#)
        #expect(problem.detail.contains("60 per 60 s per user"))
        let later = RateLimitDecision(allowed: false, remaining: 0, resetAfter: .seconds(60), retryAfter: .milliseconds(2_500))
        #expect(RateLimitQuota(route: "/orders", policy: Self.policy, decision: later).problem.headers[.retryAfter] == "3")
    }

    @Test func policyNamesAreStructuredFieldStrings() {
        #expect(RateLimitQuota.structuredString("/a\"b\\c") == #""/a\"b\\c""#)
        #expect(RateLimitQuota.structuredString("/café") == #""/caf?""#)
    }

    @Test func keysSeparateRoutesPoliciesClientsAndUsers() {
        let user = UUID(uuidString: "6A0F3C2E-0000-4000-8000-000000000001")!
        let byUser = RateLimitPolicy(requests: 60, windowSeconds: 60, key: .user)
        #expect(RateLimitKey.make(route: "/auth", policy: Self.policy, clientAddress: "203.0.113.7", userId: user)
            == "gateway:ratelimit:/auth:20/60:client:203.0.113.7", "a client policy ignores the user")
        #expect(RateLimitKey.make(route: "/orders", policy: byUser, clientAddress: "203.0.113.7", userId: user)
            == "gateway:ratelimit:/orders:60/60:user:6a0f3c2e-0000-4000-8000-000000000001")
        #expect(RateLimitKey.make(route: "/orders", policy: byUser, clientAddress: "203.0.113.7", userId: nil)
            == "gateway:ratelimit:/orders:60/60:client:203.0.113.7", "an anonymous caller counts by address")
        let tighter = RateLimitPolicy(requests: 10, windowSeconds: 60, key: .client)
        #expect(RateLimitKey.make(route: "/auth", policy: tighter, clientAddress: "a", userId: nil)
            != RateLimitKey.make(route: "/auth", policy: Self.policy, clientAddress: "a", userId: nil), "a changed limit starts afresh")
    }

    @Test func theThrottleLetsOneWarningThroughPerIntervalAndCountsTheRest() {
        let throttle = LogThrottle(interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(throttle.admit(now: start) == 0)
        #expect(throttle.admit(now: start + .seconds(1)) == nil)
        #expect(throttle.admit(now: start + .seconds(9)) == nil)
        #expect(throttle.admit(now: start + .seconds(10)) == 2, "the next line says how many were held back")
        #expect(throttle.admit(now: start + .seconds(11)) == nil)
    }
}
