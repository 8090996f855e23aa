import Synchronization

/// The lock-protected queue between callers and the driver thread, plus the eventfd that
/// wakes the thread when something arrives.
///
/// The eventfd is written only when the thread is waiting (or about to wait) in `poll()`:
/// while it is busy it takes the queue at its next turn anyway, and under load that saves two
/// system calls per command (a consumer's ack per message, for one).
final class CommandMailbox: Sendable {
    private struct State {
        var commands: [ConnectionCommand] = []
        var shutdownRequested = false
        var closed = false
        /// The thread committed to waiting: the next submit must wake it.
        var threadWaiting = false
    }

    private let state = Mutex(State())
    /// The eventfd the driver polls.
    let wakeUp = WakeUpSignal()

    /// Queues `command` and wakes the thread; false (command not queued) once closed.
    func submit(_ command: ConnectionCommand) -> Bool {
        let (accepted, wake) = state.withLock { state in
            guard !state.closed else { return (false, false) }
            state.commands.append(command)
            defer { state.threadWaiting = false }
            return (true, state.threadWaiting)
        }
        if wake { wakeUp.signal() }
        return accepted
    }

    /// Called by the thread before it waits: true (and from now on every submit wakes it) if
    /// nothing is queued; false if commands are waiting, so it must not wait.
    func prepareToWait() -> Bool {
        state.withLock { state in
            state.threadWaiting = state.commands.isEmpty
            return state.threadWaiting
        }
    }

    /// Called by the thread when it stops waiting.
    func finishedWaiting() {
        state.withLock { $0.threadWaiting = false }
    }

    /// Whether no command is queued.
    var isEmpty: Bool {
        state.withLock { $0.commands.isEmpty }
    }

    /// Everything queued so far, oldest first.
    func takeAll() -> [ConnectionCommand] {
        state.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
    }

    /// Asks the thread to shut down gracefully.
    func requestShutdown() {
        state.withLock { $0.shutdownRequested = true }
        wakeUp.signal()
    }

    /// Whether graceful shutdown has been requested.
    var isShutdownRequested: Bool {
        state.withLock { $0.shutdownRequested }
    }

    /// Refuses further commands and returns those still queued.
    func close() -> [ConnectionCommand] {
        state.withLock { state in
            state.closed = true
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}
