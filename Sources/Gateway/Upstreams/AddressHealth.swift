/// Passive health of one upstream address: what the gateway learnt from the attempts it
/// sent there. `failures` failing in a row eject the address for `ejectDuration`: the group
/// skips it while others are healthy. Once back, one more failure ejects it again (it is on
/// probation until an attempt succeeds).
///
/// A value type driven by the instants it is given, so it is tested without sleeping.
struct AddressHealth: Sendable, Equatable {
    /// When an address is ejected and for how long (`GATEWAY_EJECT_FAILURES`, `GATEWAY_EJECT_SECONDS`).
    struct Policy: Sendable, Equatable {
        var failures: Int
        var ejectDuration: Duration
    }

    /// A change worth a log line and a metric.
    enum Transition: Sendable, Equatable {
        case ejected
        /// An attempt succeeded at an address that had been ejected.
        case recovered
    }

    private(set) var consecutiveFailures = 0
    private(set) var ejectedUntil: ContinuousClock.Instant?
    /// Ejected since its last success (for the `recovered` transition).
    private var wasEjected = false

    func isEjected(at now: ContinuousClock.Instant) -> Bool {
        guard let ejectedUntil else { return false }
        return now < ejectedUntil
    }

    /// Takes the verdict on one attempt at this address.
    mutating func record(_ verdict: AttemptVerdict, policy: Policy, at now: ContinuousClock.Instant) -> Transition? {
        switch verdict {
        case .neutral:
            return nil
        case .success:
            let recovered = wasEjected
            self = AddressHealth()
            return recovered ? .recovered : nil
        case .failure:
            // An attempt sent while it was out (every address ejected, or sent before) says nothing new.
            guard !isEjected(at: now) else { return nil }
            consecutiveFailures += 1
            guard consecutiveFailures >= policy.failures else { return nil }
            ejectedUntil = now + policy.ejectDuration
            wasEjected = true
            consecutiveFailures = policy.failures - 1
            return .ejected
        }
    }
}
