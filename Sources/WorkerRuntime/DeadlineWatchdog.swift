import Synchronization

/// Cancels handler runs that pass their deadline: one per ``QueueWorker``, checking every
/// `tick` (a deadline is kept to within a tick).
///
/// One watchdog instead of a timer per message: a `Task.sleep` racing each handler costs a
/// timer registration, two extra tasks and a cross-thread wake-up per message, which a
/// no-op handler's whole run does not (see BENCHMARKS.md).
final class DeadlineWatchdog: Sendable {
    private struct Run {
        let deadline: ContinuousClock.Instant
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var running: [UInt64: Run] = [:]
        var expired: Set<UInt64> = []
    }

    private let state = Mutex(State())
    let tick: Duration

    init(tick: Duration = .milliseconds(100)) {
        self.tick = tick
    }

    /// Runs `body` in a task of its own that is cancelled once `deadline` passes (and when
    /// the calling task is cancelled); returns its value and whether the deadline cut it short.
    ///
    /// The task is unstructured only so that the watchdog can cancel it alone; it is awaited
    /// right here and cancelled with its caller, so it never outlives this call.
    func run<T: Sendable>(until deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> T) async -> (value: T, expired: Bool) {
        let task = Task { await body() }
        let id = state.withLock { state in
            state.nextID += 1
            state.running[state.nextID] = Run(deadline: deadline, cancel: { task.cancel() })
            return state.nextID
        }
        let value = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        let expired = state.withLock { state in
            state.running[id] = nil
            return state.expired.remove(id) != nil
        }
        return (value, expired)
    }

    /// Cancels the runs past their deadline, every `tick`, until cancelled.
    func watch() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            let now = ContinuousClock.now
            let overdue = state.withLock { state in
                let overdue = state.running.filter { $0.value.deadline <= now }
                for id in overdue.keys {
                    state.running[id] = nil
                    state.expired.insert(id)
                }
                return overdue.values.map(\.cancel)
            }
            for cancel in overdue { cancel() }
        }
    }
}
