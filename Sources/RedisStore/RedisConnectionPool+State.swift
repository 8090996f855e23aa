extension RedisConnectionPool {
    /// The pool's bookkeeping, only ever touched under the pool's mutex.
    struct State: Sendable {
        /// What to do with one checkout request.
        enum Decision {
            case lease(Lease)
            case fail(RedisError)
            case wait
        }

        /// A waiter to resume (after the mutex is released) with its outcome.
        struct Resumption {
            let continuation: CheckedContinuation<Lease, any Error>
            let result: Result<Lease, any Error>

            func resume() { continuation.resume(with: result) }
        }

        struct Waiter: Sendable {
            let id: UInt64
            let continuation: CheckedContinuation<Lease, any Error>
        }

        let poolSize: Int
        var backoff: ReconnectBackoff
        /// Connections ready for a command (most recently used last).
        var idle: [RedisConnection] = []
        /// Connections that exist or are being opened: idle + in use + connecting.
        var open = 0
        /// Commands waiting for a connection, served first come first served.
        var waiters = WaiterQueue()
        /// Whether the single reconnection attempt allowed while failing is under way.
        var probing = false
        var isShutdown = false
        private var nextWaiterID: UInt64 = 0

        init(poolSize: Int, backoff: ReconnectBackoff) {
            self.poolSize = poolSize
            self.backoff = backoff
        }

        mutating func makeWaiterID() -> UInt64 {
            nextWaiterID &+= 1
            return nextWaiterID
        }

        /// Grants an idle connection, or a slot to open one, or says why not.
        ///
        /// While the server is failing, at most one reconnection attempt (the probe) runs at a time,
        /// and none before the backoff delay has passed; other requests fail fast meanwhile.
        mutating func decide(now: ContinuousClock.Instant) -> Decision {
            if isShutdown { return .fail(.shutdown) }
            if let connection = idle.popLast() { return .lease(.connection(connection)) }
            guard open < poolSize else { return .wait }
            if backoff.isFailing {
                if let remaining = backoff.remainingDelay(now: now) {
                    return .fail(.unavailable(
                        reason: "\(backoff.lastFailure); next attempt in \(remaining.totalMillisecondsRoundedUp) ms"))
                }
                if probing {
                    return .fail(.unavailable(reason: "\(backoff.lastFailure); reconnecting"))
                }
                probing = true
            }
            open += 1
            return .lease(.newConnection)
        }

        /// Serves waiters in order for as long as the pool can; returns whom to resume.
        mutating func serveWaiters(now: ContinuousClock.Instant) -> [Resumption] {
            var resumptions: [Resumption] = []
            while let waiter = waiters.first {
                let result: Result<Lease, any Error>
                switch decide(now: now) {
                case .wait: return resumptions
                case .lease(let lease): result = .success(lease)
                case .fail(let error): result = .failure(error)
                }
                _ = waiters.popFirst()
                resumptions.append(Resumption(continuation: waiter.continuation, result: result))
            }
            return resumptions
        }
    }

    /// A FIFO queue of waiters with O(1) amortised push and pop and removal by id (for cancellation).
    struct WaiterQueue: Sendable {
        private var storage: [State.Waiter?] = []
        private var head = 0
        private(set) var count = 0

        var isEmpty: Bool { count == 0 }

        var first: State.Waiter? {
            var index = head
            while index < storage.count {
                if let waiter = storage[index] { return waiter }
                index += 1
            }
            return nil
        }

        mutating func append(_ waiter: State.Waiter) {
            storage.append(waiter)
            count += 1
        }

        mutating func popFirst() -> State.Waiter? {
            while head < storage.count {
                let waiter = storage[head]
                storage[head] = nil
                head += 1
                if let waiter {
                    count -= 1
                    compactIfNeeded()
                    return waiter
                }
            }
            return nil
        }

        /// Removes a cancelled waiter; `nil` if it was already resumed.
        mutating func remove(id: UInt64) -> State.Waiter? {
            guard let index = storage[head...].firstIndex(where: { $0?.id == id }), let waiter = storage[index] else {
                return nil
            }
            storage[index] = nil
            count -= 1
            compactIfNeeded()
            return waiter
        }

        private mutating func compactIfNeeded() {
            if count == 0 {
                storage.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > storage.count {
                storage.removeFirst(head)
                head = 0
            }
        }
    }
}
