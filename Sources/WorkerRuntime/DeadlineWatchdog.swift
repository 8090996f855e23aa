import Synchronization

/// Cancels handler runs that pass their deadline: one per ``QueueWorker``, checking every
/// `tick` (a deadline is kept to within a tick).
///
/// One watchdog instead of a timer per message: a `Task.sleep` racing each handler costs a
/// timer registration, two extra tasks and a cross-thread wake-up per message, which a
/// no-op handler's whole run does not (see BENCHMARKS.md). And no task per run either: the
/// handler runs in the caller's task, which the watchdog cancels when the deadline passes.
final class DeadlineWatchdog: Sendable {
    private struct Run {
        let deadline: ContinuousClock.Instant
        let task: RunningTask?
    }

    private struct State {
        var nextID: UInt64 = 0
        /// The runs in progress: at most one per handler slot, so a short array searched by id
        /// costs less per message than a dictionary (no hashing; no allocation once grown).
        var running: [(id: UInt64, run: Run)] = []
        var expired: Set<UInt64> = []

        mutating func remove(at index: Int) {
            running.swapAt(index, running.count - 1)
            running.removeLast()
        }
    }

    private let state = Mutex(State())
    let tick: Duration

    init(tick: Duration = .milliseconds(100)) {
        self.tick = tick
    }

    /// Runs `body` in the calling task, and cancels that task if `deadline` passes before
    /// `body` returns; returns `body`'s value and whether the deadline cut it short.
    ///
    /// A task stays cancelled: after an expired run, the caller must let its task end (and
    /// carry on in a new one). A run that ends after its deadline, but before the watchdog's
    /// next tick, is not expired.
    func run<T>(until deadline: ContinuousClock.Instant, _ body: () async -> T) async -> (value: T, expired: Bool) {
        let id = withUnsafeCurrentTask { task in
            state.withLock { state in
                state.nextID += 1
                state.running.append((state.nextID, Run(deadline: deadline, task: task.map(RunningTask.init))))
                return state.nextID
            }
        }
        let value = await body()
        let expired = state.withLock { state in
            if let index = state.running.firstIndex(where: { $0.id == id }) {
                state.remove(at: index)
                return false
            }
            return state.expired.remove(id) != nil  // the watchdog took it out: expired
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
            state.withLock { state in
                for index in state.running.indices.reversed() where state.running[index].run.deadline <= now {
                    let (id, run) = state.running[index]
                    state.remove(at: index)
                    state.expired.insert(id)
                    // Under the lock: the run cannot have returned, so its task is alive. The
                    // task's cancellation handlers run here; none of them calls the watchdog.
                    run.task?.task.cancel()
                }
            }
        }
    }
}

/// The task a handler runs in, for the watchdog to cancel.
///
/// `@unchecked Sendable`: `UnsafeCurrentTask` is not `Sendable` because it must not be used
/// after its task has ended. The watchdog keeps it only between registering a run and removing
/// it, both in `run` (so within the task's life), and cancels it only under the same lock.
private struct RunningTask: @unchecked Sendable {
    let task: UnsafeCurrentTask
}
