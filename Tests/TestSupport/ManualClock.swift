import Synchronization

/// A clock that moves only when a test moves it: code under test that reads the time
/// through `now` sees periods pass without the test sleeping.
public final class ManualClock: Sendable {
    private let instant: Mutex<ContinuousClock.Instant>

    public init(start: ContinuousClock.Instant = .now) {
        instant = Mutex(start)
    }

    public var now: ContinuousClock.Instant {
        instant.withLock { $0 }
    }

    public func advance(by duration: Duration) {
        instant.withLock { $0 += duration }
    }
}
