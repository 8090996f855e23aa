import Testing

@testable import Gateway

/// The circuit breaker's state machine, driven by instants (no sleeping).
@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let start = ContinuousClock.now
    let policy = CircuitBreaker.Policy(failures: 3, openDuration: .seconds(10))

    /// A breaker that just opened at `start`.
    func opened() -> CircuitBreaker {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<3 { _ = breaker.record(.failure, probe: false, at: start) }
        return breaker
    }

    @Test func opensAfterFailuresInARowAndASuccessResetsTheCount() {
        var breaker = CircuitBreaker(policy: policy)
        #expect(breaker.record(.failure, probe: false, at: start) == nil)
        #expect(breaker.record(.failure, probe: false, at: start) == nil)
        #expect(breaker.record(.success, probe: false, at: start) == nil)
        #expect(breaker.record(.failure, probe: false, at: start) == nil)
        #expect(breaker.record(.neutral, probe: false, at: start) == nil)
        #expect(breaker.record(.failure, probe: false, at: start) == nil)
        #expect(breaker.phase(at: start) == .closed)
        #expect(breaker.admit(at: start).0 == .allowed)
        #expect(breaker.record(.failure, probe: false, at: start) == .opened)
        #expect(breaker.phase(at: start) == .open)
    }

    @Test func whileOpenRequestsAreRefusedWithWhatIsLeftOfThePeriod() {
        var breaker = opened()
        #expect(breaker.admit(at: start).0 == .refused(retryAfter: .seconds(10)))
        #expect(breaker.admit(at: start + .seconds(4)).0 == .refused(retryAfter: .seconds(6)))
        // Late answers of requests sent before it opened change nothing.
        #expect(breaker.record(.success, probe: false, at: start + .seconds(5)) == nil)
        #expect(breaker.phase(at: start + .seconds(5)) == .open)
    }

    @Test func afterThePeriodOneProbeGoesThroughAndItsSuccessCloses() {
        var breaker = opened()
        let later = start + .seconds(10)
        #expect(breaker.phase(at: later) == .halfOpen)
        let (admission, transition) = breaker.admit(at: later)
        #expect(admission == .probe && transition == .halfOpened)
        if case .refused = breaker.admit(at: later).0 {} else { Issue.record("a second request went through while the probe is out") }
        #expect(breaker.record(.success, probe: false, at: later) == nil, "only the probe decides")
        #expect(breaker.phase(at: later) == .halfOpen)
        #expect(breaker.record(.success, probe: true, at: later) == .closed)
        #expect(breaker.admit(at: later).0 == .allowed)
    }

    @Test func aFailedProbeOpensItAgainForAWholePeriod() {
        var breaker = opened()
        let later = start + .seconds(12)
        #expect(breaker.admit(at: later).0 == .probe)
        #expect(breaker.record(.failure, probe: true, at: later) == .opened)
        #expect(breaker.admit(at: later + .seconds(1)).0 == .refused(retryAfter: .seconds(9)))
        #expect(breaker.admit(at: later + .seconds(10)).0 == .probe)
    }

    @Test func anAbandonedProbeLetsTheNextRequestProbe() {
        var breaker = opened()
        let later = start + .seconds(10)
        #expect(breaker.admit(at: later).0 == .probe)
        #expect(breaker.record(.neutral, probe: true, at: later) == nil)
        #expect(breaker.admit(at: later).0 == .probe)
    }
}
