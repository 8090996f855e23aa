/// How every upstream group judges its addresses and itself (`GATEWAY_EJECT_*`,
/// `GATEWAY_BREAKER_*`), and the clock it reads, which tests move by hand.
struct UpstreamHealthPolicy: Sendable {
    var ejection = AddressHealth.Policy(failures: 3, ejectDuration: .seconds(10))
    var breaker = CircuitBreaker.Policy(failures: 5, openDuration: .seconds(10))
    /// Now, as the state machines see it.
    var now: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
}

extension UpstreamOutcome {
    /// What the outcome says about the address: a connection that failed, an answer too late,
    /// a broken connection, or `502`/`504` from the upstream (it could not reach what is behind
    /// it) count against it. A `503` counts for nothing: the service is up and says itself that
    /// it cannot serve now (its database is restarting), with a reason and `Retry-After` the
    /// client is better off with than the breaker's; every replica would say the same, and a
    /// breaker opened by it would outlast the outage. Any other answer (a `500` too: the
    /// service is up, a request failed) counts for it.
    var verdict: AttemptVerdict {
        switch self {
        case .response(503): .neutral
        case .response(let status): (502...504).contains(status) ? .failure : .success
        case .connectFailed, .timedOut, .failed: .failure
        case .abandoned: .neutral
        }
    }
}
