import Synchronization

/// The lock-protected queue between callers and the driver thread, plus the eventfd that
/// wakes the thread when something arrives.
///
/// The eventfd is written only when the thread is waiting (or about to wait) in `poll()`:
/// while it is busy it takes the queue at its next turn anyway, and under load that saves two
/// system calls per command (a consumer's ack per message, for one). An ack that may wait
/// (see ``submit(_:mayWait:)``) wakes it only once enough of them are queued.
final class CommandMailbox: Sendable {
    private struct State {
        var commands: [ConnectionCommand] = []
        /// How many of `commands` are acks that may wait.
        var waitingAcks = 0
        var shutdownRequested = false
        var closed = false
        /// The thread committed to waiting: the next submit must wake it (an ack that may wait:
        /// only once `acksToWake` such acks are queued).
        var threadWaiting = false
        var acksToWake = 1
    }

    private let state = Mutex(State())
    /// The eventfd the driver polls.
    let wakeUp = WakeUpSignal()

    /// Queues `command` and wakes the thread; false (command not queued) once closed.
    ///
    /// `mayWait`: `command` is an ack nobody waits for, which the thread may hold back
    /// briefly to send with later ones; it wakes the thread only once as many such acks are
    /// queued as the thread asked for in ``prepareToWait(acksToWake:)``.
    func submit(_ command: ConnectionCommand, mayWait: Bool = false) -> Bool {
        let (accepted, wake) = state.withLock { state in
            guard !state.closed else { return (false, false) }
            state.commands.append(command)
            if mayWait { state.waitingAcks += 1 }
            guard state.threadWaiting, !mayWait || state.waitingAcks >= state.acksToWake else { return (true, false) }
            state.threadWaiting = false
            return (true, true)
        }
        if wake { wakeUp.signal() }
        return accepted
    }

    /// Called by the thread before it waits: true (and from now on every submit wakes it,
    /// an ack that may wait only once `acksToWake` of them are queued) if nothing else is
    /// queued and fewer such acks; false if the thread must not wait.
    func prepareToWait(acksToWake: Int = 1) -> Bool {
        state.withLock { state in
            state.acksToWake = max(1, acksToWake)
            state.threadWaiting = state.commands.count == state.waitingAcks && state.waitingAcks < state.acksToWake
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
            defer {
                state.commands.removeAll()
                state.waitingAcks = 0
            }
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
            defer {
                state.commands.removeAll()
                state.waitingAcks = 0
            }
            return state.commands
        }
    }
}
