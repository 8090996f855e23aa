import Foundation
import Logging
import Synchronization

/// Times how long the worker takes to handle `expected` messages: from the moment the first
/// handler starts to the moment the `expected`-th returns, the same span the C baseline
/// (`bench/raw-consumer.c`) measures from its first delivery to its last ack. When the count
/// is reached it writes one JSON line to `reportPath`, which `scripts/bench` waits for.
/// It also counts messages handled more than once (by their `n`): there should be none.
///
/// Cheap per message, like the C baseline's own counting: after the first message, `started`
/// is one atomic load, and `finished` one short lock with a bitmap of the numbers seen (the
/// publisher numbers messages 1...N); the clock is read only for the first and the last.
final class DrainMeter: Sendable {
    private struct State {
        var first: ContinuousClock.Instant?
        var handled = 0
        var seen: [Bool]
        var duplicates = 0
    }

    private let state: Mutex<State>
    private let hasStarted = Atomic<Bool>(false)
    private let expected: Int
    private let reportPath: String?
    private let prefetch: Int
    private let concurrency: Int
    private let logger: Logger

    /// A meter that reports after `expected` messages (0: never) to `reportPath`.
    init(expected: Int, reportPath: String?, prefetch: Int, concurrency: Int, logger: Logger) {
        self.state = Mutex(State(seen: Array(repeating: false, count: expected + 1)))
        self.expected = expected
        self.reportPath = reportPath
        self.prefetch = prefetch
        self.concurrency = concurrency
        self.logger = logger
    }

    /// Called as a handler starts.
    func started() {
        guard !hasStarted.load(ordering: .relaxed) else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            if state.first == nil { state.first = now }
        }
        hasStarted.store(true, ordering: .relaxed)
    }

    /// Called as the handler of message `n` returns; writes the report on the `expected`-th call.
    func finished(_ n: Int) {
        let outcome: (first: ContinuousClock.Instant, duplicates: Int)? = state.withLock { state in
            state.handled += 1
            if state.seen.indices.contains(n) {
                if state.seen[n] { state.duplicates += 1 } else { state.seen[n] = true }
            }
            guard state.handled == expected, let first = state.first else { return nil }
            return (first, state.duplicates)
        }
        if let outcome { report(ContinuousClock.now - outcome.first, duplicates: outcome.duplicates) }
    }

    private func report(_ span: Duration, duplicates: Int) {
        let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(expected) / seconds : 0
        let line = String(
            format: "{\"tool\":\"noop-worker\",\"prefetch\":%d,\"concurrency\":%d,\"messages\":%d,\"duplicates\":%d,\"seconds\":%.6f,\"per_second\":%.1f}\n",
            prefetch, concurrency, expected, duplicates, seconds, rate
        )
        logger.notice(
            "drained", metadata: ["messages": "\(expected)", "duplicates": "\(duplicates)", "seconds": "\(seconds)", "per_second": "\(rate)"]
        )
        guard let reportPath else { return }
        do {
            try line.write(toFile: reportPath, atomically: true, encoding: .utf8)
        } catch {
            logger.error("cannot write the bench report", metadata: ["path": "\(reportPath)", "error": "\(error)"])
        }
    }
}
