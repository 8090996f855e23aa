import Hummingbird
import Logging
import RedisStore
import ServiceKit

/// Applies routes' `rateLimit` policies at the edge: each request takes one unit of its
/// caller's allowance in Redis (``RateLimitCounter``), shared by every gateway replica.
///
/// It **fails open**: when Redis does not answer within `timeout` (down, or slow), the request
/// goes through unchecked, counted in `gateway_rate_limiter_unavailable_total` and logged as a
/// warning at most once per `warningInterval`. A rate limit protects the services from abuse;
/// turning a Redis outage into a whole-shop outage would do more harm than a few minutes
/// without limits.
struct RateLimiter: Sendable {
    let counter: RateLimitCounter
    /// How long a decision may take before the request goes through unchecked.
    let timeout: Duration
    /// Who may say who the client is with `X-Forwarded-For`.
    let trustedProxies: TrustedProxies
    /// Finds the caller of a bearer token for `key: user` routes without edge auth.
    let authenticator: EdgeAuthenticator
    let metrics: GatewayMetrics
    let logger: Logger
    let unavailableWarnings: LogThrottle

    init(
        redis: RedisClient, timeout: Duration, trustedProxies: TrustedProxies, authenticator: EdgeAuthenticator,
        metrics: GatewayMetrics, logger: Logger, warningInterval: Duration = .seconds(10)
    ) {
        self.counter = RateLimitCounter(redis: redis)
        self.timeout = timeout
        self.trustedProxies = trustedProxies
        self.authenticator = authenticator
        self.metrics = metrics
        self.logger = logger
        self.unavailableWarnings = LogThrottle(interval: warningInterval)
    }

    /// Takes one request from the caller's allowance on `route`: the quota to tell the client
    /// (`nil` when the route has no limit or Redis did not answer), or `429` when none is left.
    /// `identity` is the caller the edge authenticated, if it did.
    func admit(_ request: Request, context: ShopRequestContext, route: Route, identity: Identity?) async throws(HTTPProblem) -> RateLimitQuota? {
        try await admit(
            authorization: request.headers[.authorization], forwardedFor: request.headers[values: TrustedProxies.forwardedFor],
            peer: context.remoteAddress, logger: context.logger, route: route, identity: identity
        )
    }

    /// ``admit(_:context:route:identity:)`` for a request with these `Authorization` and
    /// `X-Forwarded-For` headers from the socket peer `peer`; `logger` carries the request's metadata.
    func admit(
        authorization: String?, forwardedFor: [String], peer: String?, logger requestLogger: Logger, route: Route, identity: Identity?
    ) async throws(HTTPProblem) -> RateLimitQuota? {
        guard let policy = route.rateLimit else { return nil }
        var userId = identity?.userId
        if policy.key == .user, userId == nil {
            userId = await authenticator.caller(authorization: authorization)?.userId
        }
        let key = RateLimitKey.make(
            route: route.prefix, policy: policy, clientAddress: trustedProxies.clientAddress(peer: peer, forwardedFor: forwardedFor), userId: userId
        )
        let decision: RateLimitDecision
        switch await decide(key: key, policy: policy) {
        case .success(let decided):
            decision = decided
        case .failure(let unavailable):
            metrics.rateLimiterUnavailable()
            if let suppressed = unavailableWarnings.admit() {
                logger.warning(
                    "rate limiter unavailable: letting requests through unchecked",
                    metadata: ["route": "\(route.prefix)", "error": "\(unavailable.reason)", "rate_limit.suppressed_warnings": "\(suppressed)"]
                )
            }
            return nil
        }
        let quota = RateLimitQuota(route: route.prefix, policy: policy, decision: decision)
        guard decision.allowed else {
            metrics.rateLimited(route: route.prefix)
            requestLogger.info("rate limited", metadata: ["route": "\(route.prefix)", "rate_limit.key": "\(policy.key.rawValue)"])
            throw quota.problem
        }
        return quota
    }

    /// The counter's decision, or why there is none within `timeout`. A command already
    /// running on a Redis connection finishes on its own (hiredis' command timeout is `timeout`
    /// too); one still waiting for a connection is cancelled.
    private func decide(key: String, policy: RateLimitPolicy) async -> Result<RateLimitDecision, RateLimiterUnavailable> {
        let counter = self.counter
        let timeout = self.timeout
        return await withTaskGroup(of: Result<RateLimitDecision, RateLimiterUnavailable>.self) { group in
            group.addTask {
                do {
                    return .success(try await counter.take(key: key, policy: policy))
                } catch {
                    return .failure(RateLimiterUnavailable(reason: "\(error)"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .failure(RateLimiterUnavailable(reason: "Redis did not answer within \(timeout)"))
            }
            let first = await group.next() ?? .failure(RateLimiterUnavailable(reason: "no decision"))
            group.cancelAll()
            return first
        }
    }
}

/// Redis could not decide in time: why, for the log.
struct RateLimiterUnavailable: Error {
    let reason: String
}
