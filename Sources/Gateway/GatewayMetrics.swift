import Prometheus

/// The gateway's own Prometheus series, on top of the standard HTTP ones every shop process
/// has. Series are looked up once per route (when a table is built), not per request.
struct GatewayMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// The series of one route: requests by status class and their latency.
    struct RouteSeries: Sendable {
        /// `gateway_requests_total{route, status_class="1xx"...}`, index 0 = 1xx.
        let requests: [Counter]
        /// `gateway_request_duration_seconds{route}`, from the request head to the response head.
        let duration: DurationHistogram

        func record(status: Int, duration elapsed: Duration) {
            requests[min(max(status / 100, 1), 5) - 1].increment()
            duration.record(elapsed)
        }
    }

    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30),
    ]

    static var requests: MetricNameDescriptor { descriptor("requests", unit: "total", "Requests the gateway answered, by route and status class.") }
    static var duration: MetricNameDescriptor { descriptor("request_duration", unit: "seconds", "Time from a request's head to its response's head, by route.") }
    static var upstreamErrors: MetricNameDescriptor { descriptor("upstream_errors", unit: "total", "Attempts at an upstream address that failed, by kind.") }
    static var reloads: MetricNameDescriptor { descriptor("config_reloads", unit: "total", "Reloads of config.json, applied or refused as invalid.") }

    /// A `gateway_…` series name with its help text.
    static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "gateway", metricName: name, unitName: unit, helpText: help)
    }

    func series(route prefix: String) -> RouteSeries {
        RouteSeries(
            requests: (1...5).map {
                registry.makeCounter(descriptor: Self.requests, labels: [("route", prefix), ("status_class", "\($0)xx")])
            },
            duration: registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", prefix)], buckets: Self.durationBuckets)
        )
    }

    /// `gateway_upstream_errors_total{upstream, kind="connect|timeout|transport"}`.
    func upstreamError(_ upstream: UpstreamEndpoint, kind: UpstreamOutcome) {
        let name: String
        switch kind {
        case .connectFailed: name = "connect"
        case .timedOut: name = "timeout"
        case .failed: name = "transport"
        case .response, .abandoned: return
        }
        registry.makeCounter(descriptor: Self.upstreamErrors, labels: [("upstream", upstream.description), ("kind", name)]).increment()
    }

    /// `gateway_config_reloads_total{result="applied|refused"}`.
    func configReload(applied: Bool) {
        registry.makeCounter(descriptor: Self.reloads, labels: [("result", applied ? "applied" : "refused")]).increment()
    }
}
