import Synchronization

/// Lets a repeated log message through at most once per `interval`, counting the ones held
/// back, so an outage hit by every request logs a line every few seconds, not thousands.
final class LogThrottle: Sendable {
    let interval: Duration
    private let state = Mutex<State>(State())

    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var suppressed = 0
    }

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether to log now: the number of occurrences held back since the last line, or `nil`
    /// to stay quiet (this occurrence is then counted).
    func admit(now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            if let last = state.lastLogged, now - last < interval {
                state.suppressed += 1
                return nil
            }
            let suppressed = state.suppressed
            state.lastLogged = now
            state.suppressed = 0
            return suppressed
        }
    }
}
