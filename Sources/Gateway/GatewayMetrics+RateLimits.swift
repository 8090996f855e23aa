import Prometheus

extension GatewayMetrics {
    static var rateLimited: MetricNameDescriptor {
        descriptor("rate_limited", unit: "total", "Requests refused with 429 by a route's rate limit, by route.")
    }
    static var rateLimiterUnavailable: MetricNameDescriptor {
        descriptor("rate_limiter_unavailable", unit: "total", "Requests let through unchecked because Redis did not answer in time.")
    }

    /// `gateway_rate_limited_total{route}`.
    func rateLimited(route prefix: String) {
        registry.makeCounter(descriptor: Self.rateLimited, labels: [("route", prefix)]).increment()
    }

    /// `gateway_rate_limiter_unavailable_total`: the limiter failed open.
    func rateLimiterUnavailable() {
        registry.makeCounter(descriptor: Self.rateLimiterUnavailable).increment()
    }
}
