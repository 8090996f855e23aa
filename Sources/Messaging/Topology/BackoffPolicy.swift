import Foundation

/// How long a failed message waits before its next attempt.
///
/// The delay before attempt 2 is `initial`, and each later delay is the previous one times
/// `multiplier`, never more than `max`; delays are whole milliseconds.
///
/// Delays are served by delay queues whose `x-message-ttl` is the nominal delay (one queue per
/// distinct delay). A per-message `expiration` can shorten a message's stay but never
/// lengthen it, so ``jitteredDelay(beforeAttempt:unit:)`` draws jitter *below* the nominal
/// delay: a retried message waits between `(1 - jitter) × delay` and `delay`.
public struct BackoffPolicy: Sendable, Hashable {
    /// The delay before the second attempt.
    public var initial: Duration
    /// The factor between one delay and the next (at least 1).
    public var multiplier: Double
    /// The longest delay.
    public var max: Duration
    /// How much of a delay jitter may take away, from 0 up to (not including) 1.
    public var jitter: Double

    /// A policy; ``QueuesConfiguration`` validates the values read from `queues.yaml`.
    public init(initial: Duration, multiplier: Double, max: Duration, jitter: Double) {
        self.initial = initial
        self.multiplier = multiplier
        self.max = max
        self.jitter = jitter
    }

    /// The nominal delay before `attempt` (attempts count from 1): zero for the first attempt,
    /// `initial` before the second, `initial × multiplier` before the third, ..., capped at `max`.
    public func delay(beforeAttempt attempt: Int) -> Duration {
        guard attempt >= 2 else { return .zero }
        let initialMilliseconds = Double(DurationText.milliseconds(initial))
        let maxMilliseconds = Double(DurationText.milliseconds(max))
        let milliseconds = initialMilliseconds * pow(multiplier, Double(attempt - 2))
        return .milliseconds(Int64(Swift.min(milliseconds, maxMilliseconds).rounded()))
    }

    /// The delay before `attempt` with jitter: `delay × (1 - jitter × unit)`, `unit` in 0...1,
    /// in whole milliseconds. Suits a per-message `expiration` in the delay queue.
    public func jitteredDelay(beforeAttempt attempt: Int, unit: Double) -> Duration {
        let nominal = Double(DurationText.milliseconds(delay(beforeAttempt: attempt)))
        let clampedUnit = Swift.min(1, Swift.max(0, unit))
        return .milliseconds(Int64((nominal * (1 - jitter * clampedUnit)).rounded()))
    }

    /// The delay before `attempt` with random jitter.
    public func jitteredDelay(beforeAttempt attempt: Int) -> Duration {
        jitteredDelay(beforeAttempt: attempt, unit: Double.random(in: 0...1))
    }
}

/// Handling messages in batches: up to `size` messages, waiting at most `wait` to fill one.
public struct BatchPolicy: Sendable, Hashable {
    /// The most messages in one batch.
    public var size: Int
    /// The longest wait for a batch to fill before handling what has arrived.
    public var wait: Duration

    /// A batch policy.
    public init(size: Int, wait: Duration) {
        self.size = size
        self.wait = wait
    }
}
