import Synchronization

/// The lock-protected queue between callers and the driver thread, plus the eventfd that
/// wakes the thread when something arrives.
final class CommandMailbox: Sendable {
    private struct State {
        var commands: [ConnectionCommand] = []
        var shutdownRequested = false
        var closed = false
    }

    private let state = Mutex(State())
    /// The eventfd the driver polls.
    let wakeUp = WakeUpSignal()

    /// Queues `command` and wakes the thread; false (command not queued) once closed.
    func submit(_ command: ConnectionCommand) -> Bool {
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.commands.append(command)
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
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
