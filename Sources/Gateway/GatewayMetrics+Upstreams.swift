import Prometheus

/// The series of upstream groups: circuit breakers and ejected addresses.
extension GatewayMetrics {
    static var breakerState: MetricNameDescriptor {
        descriptor("circuit_breaker_state", unit: "", "Circuit breaker of each upstream group: 0 closed, 1 half-open, 2 open.")
    }
    static var ejections: MetricNameDescriptor {
        descriptor("upstream_ejections", unit: "total", "Times an upstream address was ejected after failing in a row.")
    }

    /// `gateway_circuit_breaker_state{upstream}`.
    func circuitBreakerState(group: String, _ phase: CircuitBreaker.Phase) {
        registry.makeGauge(descriptor: Self.breakerState, labels: [("upstream", group)]).set(Double(phase.rawValue))
    }

    /// `gateway_upstream_ejections_total{upstream, address}`.
    func upstreamEjection(group: String, address: UpstreamEndpoint) {
        registry.makeCounter(descriptor: Self.ejections, labels: [("upstream", group), ("address", address.description)]).increment()
    }
}
