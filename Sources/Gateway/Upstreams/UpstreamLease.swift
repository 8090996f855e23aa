import Synchronization

/// One attempt at one address, from ``UpstreamGroup/choose(excluding:)``: ``record(_:)`` what
/// came of it as soon as that is known (the response head, or the error), and ``release()``
/// it once the response is done (the end of its body), which ends its time in flight.
/// ``finish(_:)`` does both. A lease dropped without either counts as abandoned and released.
final class UpstreamLease: Sendable {
    let address: UpstreamEndpoint
    let group: UpstreamGroup
    /// The one request that tests a half-open circuit breaker.
    let isProbe: Bool
    private let progress = Mutex((recorded: false, released: false))

    init(address: UpstreamEndpoint, group: UpstreamGroup, isProbe: Bool) {
        self.address = address
        self.group = group
        self.isProbe = isProbe
    }

    /// Tells the group how the attempt went (once; later calls are ignored).
    func record(_ outcome: UpstreamOutcome) {
        let first = progress.withLock { progress in
            defer { progress.recorded = true }
            return !progress.recorded
        }
        if first { group.record(outcome, of: self) }
    }

    /// Ends the attempt's time in flight (once).
    func release() {
        let first = progress.withLock { progress in
            defer { progress.released = true }
            return !progress.released
        }
        if first { group.release(self) }
    }

    /// Records `outcome` and releases the lease: the attempt is over.
    func finish(_ outcome: UpstreamOutcome) {
        record(outcome)
        release()
    }

    deinit {
        let (recorded, released) = progress.withLock { ($0.recorded, $0.released) }
        if !recorded { group.record(.abandoned, of: self) }
        if !released { group.release(self) }
    }
}
