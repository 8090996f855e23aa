import Logging

/// Where an upstream group tells of its changes: a warning when an address is ejected or the
/// breaker opens, a notice when they come back, and the `gateway_circuit_breaker_state` and
/// `gateway_upstream_ejections_total` series.
struct UpstreamGroupReporter: Sendable {
    let logger: Logger
    let metrics: GatewayMetrics?

    /// Reports nothing (tests of the state machines).
    static var silent: UpstreamGroupReporter {
        UpstreamGroupReporter(logger: Logger(label: "gateway.upstreams", factory: { _ in SwiftLogNoOpLogHandler() }), metrics: nil)
    }

    func breakerPhase(_ phase: CircuitBreaker.Phase, group: String) {
        metrics?.circuitBreakerState(group: group, phase)
    }

    func breaker(_ transition: CircuitBreaker.Transition, group: String, policy: CircuitBreaker.Policy) {
        switch transition {
        case .opened:
            logger.warning(
                "circuit breaker open: requests get 503 without reaching the upstream",
                metadata: ["upstream": "\(group)", "open_seconds": "\(policy.openDuration.components.seconds)"]
            )
            breakerPhase(.open, group: group)
        case .halfOpened:
            logger.notice("circuit breaker half-open: one probe request goes through", metadata: ["upstream": "\(group)"])
            breakerPhase(.halfOpen, group: group)
        case .closed:
            logger.notice("circuit breaker closed: the upstream answers again", metadata: ["upstream": "\(group)"])
            breakerPhase(.closed, group: group)
        }
    }

    func address(_ address: UpstreamEndpoint, _ transition: AddressHealth.Transition, outcome: UpstreamOutcome, group: String, policy: AddressHealth.Policy) {
        switch transition {
        case .ejected:
            logger.warning(
                "upstream address ejected",
                metadata: [
                    "upstream": "\(group)", "address": "\(address)", "last_outcome": "\(outcome)",
                    "failures": "\(policy.failures)", "eject_seconds": "\(policy.ejectDuration.components.seconds)",
                ]
            )
            metrics?.upstreamEjection(group: group, address: address)
        case .recovered:
            logger.notice("upstream address answers again", metadata: ["upstream": "\(group)", "address": "\(address)"])
        }
    }
}
