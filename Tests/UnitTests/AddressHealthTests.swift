import Testing

@testable import Gateway

/// Passive health of one address: ejection and return, driven by instants.
@Suite("Upstream address health")
struct AddressHealthTests {
    let start = ContinuousClock.now
    let policy = AddressHealth.Policy(failures: 3, ejectDuration: .seconds(10))

    @Test func failuresInARowEjectForThePeriodAndASuccessResets() {
        var health = AddressHealth()
        #expect(health.record(.failure, policy: policy, at: start) == nil)
        #expect(health.record(.failure, policy: policy, at: start) == nil)
        #expect(health.record(.success, policy: policy, at: start) == nil)
        #expect(health.record(.failure, policy: policy, at: start) == nil)
        #expect(health.record(.neutral, policy: policy, at: start) == nil)
        #expect(health.record(.failure, policy: policy, at: start) == nil)
        #expect(!health.isEjected(at: start))
        #expect(health.record(.failure, policy: policy, at: start) == .ejected)
        #expect(health.isEjected(at: start + .seconds(9)))
        #expect(!health.isEjected(at: start + .seconds(10)))
    }

    @Test func backFromEjectionOneFailureEjectsAgainAndASuccessRecovers() {
        var health = AddressHealth()
        for _ in 0..<3 { _ = health.record(.failure, policy: policy, at: start) }
        // While ejected, more failures (attempts sent anyway) change nothing.
        #expect(health.record(.failure, policy: policy, at: start + .seconds(5)) == nil)
        #expect(!health.isEjected(at: start + .seconds(10)))
        #expect(health.record(.failure, policy: policy, at: start + .seconds(11)) == .ejected)
        #expect(health.isEjected(at: start + .seconds(20)))
        #expect(health.record(.success, policy: policy, at: start + .seconds(21)) == .recovered)
        #expect(!health.isEjected(at: start + .seconds(21)))
        #expect(health.record(.failure, policy: policy, at: start + .seconds(22)) == nil, "a recovered address has its full allowance again")
    }

    @Test func whatCountsAgainstAnAddress() {
        #expect(UpstreamOutcome.connectFailed.verdict == .failure)
        #expect(UpstreamOutcome.timedOut.verdict == .failure)
        #expect(UpstreamOutcome.failed.verdict == .failure)
        #expect(UpstreamOutcome.response(status: 502).verdict == .failure)
        #expect(UpstreamOutcome.response(status: 503).verdict == .neutral, "a service saying it cannot serve now is up")
        #expect(UpstreamOutcome.response(status: 504).verdict == .failure)
        #expect(UpstreamOutcome.response(status: 500).verdict == .success)
        #expect(UpstreamOutcome.response(status: 404).verdict == .success)
        #expect(UpstreamOutcome.abandoned.verdict == .neutral)
    }
}
