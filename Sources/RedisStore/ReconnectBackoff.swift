/// Capped exponential backoff with jitter between reconnection attempts, so an unreachable Redis
/// is probed at a falling rate (base, 2×base, 4×base … up to the cap) instead of being hammered.
struct ReconnectBackoff: Sendable {
    let base: Duration
    let cap: Duration
    private(set) var consecutiveFailures = 0
    private(set) var lastFailure = ""
    private var retryAt: ContinuousClock.Instant?

    init(base: Duration, cap: Duration) {
        self.base = max(base, .milliseconds(1))
        self.cap = max(cap, self.base)
    }

    /// Whether the last connection attempt failed (and no attempt has succeeded since).
    var isFailing: Bool { consecutiveFailures > 0 }

    /// Records a failed attempt and returns the delay before the next attempt is allowed.
    ///
    /// "Equal jitter": half of the exponential delay is fixed and half is random, so the delay
    /// still grows while many processes that lost Redis at the same moment spread their retries.
    @discardableResult
    mutating func recordFailure(_ reason: String, now: ContinuousClock.Instant) -> Duration {
        consecutiveFailures += 1
        lastFailure = reason
        let exponent = min(consecutiveFailures - 1, 20)
        let ceiling = min(cap, base * (1 << exponent))
        let half = ceiling / 2
        let jitter = Duration.nanoseconds(Int64.random(in: 0...max(0, half.totalNanoseconds)))
        let delay = half + jitter
        retryAt = now + delay
        return delay
    }

    /// Forgets all failures after a successful connection.
    mutating func recordSuccess() {
        consecutiveFailures = 0
        lastFailure = ""
        retryAt = nil
    }

    /// How long until the next attempt is allowed, or `nil` if one may be made now.
    func remainingDelay(now: ContinuousClock.Instant) -> Duration? {
        guard let retryAt, now < retryAt else { return nil }
        return retryAt - now
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating far beyond any timeout used here).
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }

    /// The whole duration in milliseconds, rounded up so that a positive duration is at least 1.
    var totalMillisecondsRoundedUp: Int64 {
        let nanoseconds = totalNanoseconds
        return nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 > 0 ? 1 : 0)
    }
}
