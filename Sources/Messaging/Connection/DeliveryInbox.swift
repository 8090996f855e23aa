import Synchronization

/// The deliveries of one consumer on their way from the connection's thread to the tasks that
/// handle them (see ``AMQPConnection/subscribe(queue:prefetch:)``).
///
/// The thread appends each delivery under a lock and hands it straight to a task waiting in
/// ``take(upTo:)``, if one is; a task that finds deliveries waiting takes up to its limit
/// without suspending. Unlike an `AsyncStream` read by one task that passes each delivery
/// on, a delivery costs no extra hop between tasks, and a busy consumer never suspends.
public final class DeliveryInbox: Sendable {
    private struct Waiter {
        let id: UInt64
        let limit: Int
        let continuation: CheckedContinuation<[Delivery], Never>
    }

    private struct State {
        /// Waiting deliveries: `deliveries[head...]`, oldest first.
        var deliveries: [Delivery] = []
        var head = 0
        /// Tasks waiting for deliveries, oldest first; only while none are waiting to be taken.
        var waiters: [Waiter] = []
        var finishWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var nextID: UInt64 = 0
        /// No more deliveries will come (those waiting can still be taken).
        var finished = false

        var available: Int { deliveries.count - head }

        mutating func removeFirst(_ limit: Int) -> [Delivery] {
            let end = head + min(limit, available)
            let taken = Array(deliveries[head..<end])
            head = end
            if head == deliveries.count {
                deliveries.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= deliveries.count {
                deliveries.removeFirst(head)
                head = 0
            }
            return taken
        }

        mutating func newID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private let state = Mutex(State())
    /// Called once, when the consumer side gives up on the deliveries (``cancel()``).
    private let onCancel: @Sendable () -> Void

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = onCancel
    }

    /// Up to `limit` deliveries, oldest first: those waiting, or else the next to arrive
    /// (suspending until one does). Empty once the consumer has ended and nothing is left,
    /// or when the calling task is cancelled while waiting.
    public func take(upTo limit: Int) async -> [Delivery] {
        precondition(limit > 0, "take at least one delivery")
        enum Step {
            case done([Delivery])
            case wait(UInt64)
        }
        let step = state.withLock { state -> Step in
            if state.available > 0 { return .done(state.removeFirst(limit)) }
            if state.finished { return .done([]) }
            return .wait(state.newID())
        }
        guard case .wait(let id) = step else {
            if case .done(let deliveries) = step { return deliveries }
            return []
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now: [Delivery]? = state.withLock { state in
                    // Rechecked under the lock: the cancellation handler sets the flag before it
                    // takes the lock, so either it sees this waiter or this sees the flag.
                    if Task.isCancelled { return [] }
                    if state.available > 0 { return state.removeFirst(limit) }
                    if state.finished { return [] }
                    state.waiters.append(Waiter(id: id, limit: limit, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: [])
        }
    }

    /// Like ``take(upTo:)``, but waits for a delivery only until `deadline`: empty if none
    /// arrived by then. What is waiting is taken at once, even past the deadline.
    public func take(upTo limit: Int, waitingUntil deadline: ContinuousClock.Instant) async -> [Delivery] {
        let ready = state.withLock { state -> [Delivery]? in
            if state.available > 0 { return state.removeFirst(limit) }
            return state.finished || ContinuousClock.now >= deadline ? [] : nil
        }
        if let ready { return ready }
        return await withTaskGroup(of: [Delivery].self) { group in
            group.addTask { await self.take(upTo: limit) }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return []
            }
            var taken = await group.next() ?? []
            group.cancelAll()
            // The waiting take may have been handed deliveries as the timer fired: keep them.
            while let more = await group.next() {
                taken += more
            }
            return taken
        }
    }

    /// Returns once the consumer has ended (its deliveries may still be waiting to be taken),
    /// or when the calling task is cancelled.
    public func waitUntilFinished() async {
        let id: UInt64? = state.withLock { $0.finished ? nil : $0.newID() }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state in
                    if Task.isCancelled || state.finished { return true }
                    state.finishWaiters.append((id, continuation))
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.finishWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.finishWaiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    /// How many tasks wait in ``take(upTo:)`` now.
    var waitingTasks: Int {
        state.withLock { $0.waiters.count }
    }

    /// Whether the consumer has ended and every delivery has been taken.
    public var isDrained: Bool {
        state.withLock { $0.finished && $0.available == 0 }
    }

    /// Stops consuming: the consumer is cancelled and its channel closed, so the broker
    /// requeues every delivery not yet acknowledged, including those still waiting here
    /// (which are dropped). Waiting tasks get nothing. A no-op once the consumer has ended.
    public func cancel() {
        let wasRunning = state.withLock { state in
            guard !state.finished else { return false }
            state.deliveries.removeAll()
            state.head = 0
            return true
        }
        guard wasRunning else { return }
        finish()
        onCancel()
    }

    // MARK: The connection's thread

    /// Hands `delivery` to the oldest waiting task, or queues it; false (not taken) once the
    /// consumer has ended, and the caller must give it back to the broker.
    func append(_ delivery: Delivery) -> Bool {
        let outcome = state.withLock { state -> (accepted: Bool, waiter: Waiter?) in
            guard !state.finished else { return (false, nil) }
            if !state.waiters.isEmpty {
                return (true, state.waiters.removeFirst())
            }
            state.deliveries.append(delivery)
            return (true, nil)
        }
        outcome.waiter?.continuation.resume(returning: [delivery])
        return outcome.accepted
    }

    /// No more deliveries: waiting tasks get nothing, and once the queued deliveries are
    /// taken, ``take(upTo:)`` returns empty at once.
    func finish() {
        let (waiters, finishWaiters) = state.withLock { state in
            state.finished = true
            defer {
                state.waiters.removeAll()
                state.finishWaiters.removeAll()
            }
            return (state.waiters, state.finishWaiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: []) }
        for waiter in finishWaiters { waiter.continuation.resume() }
    }
}
