import Logging
import NIOPosix
import Synchronization

/// The bounded set of connections behind a ``RedisClient``: who may use a connection, who waits,
/// and when a new connection may be opened. It never blocks a thread and never calls hiredis
/// itself except through ``closeInBackground(_:)``, which closes on the thread pool.
///
/// All state lives in one `Mutex`; continuations are resumed after the lock is released.
final class RedisConnectionPool: Sendable {
    /// What a checkout grants: an open connection, or the right to open one (a slot already
    /// counted in ``State/open``; the holder must report the outcome with ``connectSucceeded()``
    /// / ``connectFailed(_:)`` or give it back with ``giveBack(_:)``).
    enum Lease: Sendable {
        case connection(RedisConnection)
        case newConnection
    }

    private let configuration: RedisConfiguration
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let state: Mutex<State>

    init(configuration: RedisConfiguration, threadPool: NIOThreadPool, logger: Logger) {
        self.configuration = configuration
        self.threadPool = threadPool
        self.logger = logger
        self.state = Mutex(State(
            poolSize: configuration.poolSize,
            backoff: ReconnectBackoff(base: configuration.reconnectBackoffBase, cap: configuration.reconnectBackoffCap)
        ))
    }

    deinit {
        // A client dropped without shutdown() must not leak sockets. No command can hold a
        // connection now (each holds the client, which holds this pool), so only idle ones remain.
        closeInBackground(state.withLock { $0.idle })
    }

    /// Waits (without blocking a thread) for a connection or a slot to open one; FIFO among waiters.
    /// - Throws: ``RedisError/unavailable(reason:)`` during reconnect backoff, ``RedisError/shutdown``,
    ///   or `CancellationError` if the task is cancelled while waiting.
    func checkout() async throws -> Lease {
        let now = ContinuousClock.now
        let (fastPath, id) = state.withLock { state -> (State.Decision, UInt64) in
            // Earlier waiters go first: a newcomer only takes the fast path when nobody waits.
            let decision = state.waiters.isEmpty ? state.decide(now: now) : .wait
            return (decision, state.makeWaiterID())
        }
        switch fastPath {
        case .lease(let lease): return lease
        case .fail(let error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let resumption = state.withLock { state -> Result<Lease, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch state.waiters.isEmpty ? state.decide(now: .now) : .wait {
                    case .lease(let lease): return .success(lease)
                    case .fail(let error): return .failure(error)
                    case .wait:
                        state.waiters.append(.init(id: id, continuation: continuation))
                        return nil
                    }
                }
                if let resumption { continuation.resume(with: resumption) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.remove(id: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Takes back a healthy connection after a command.
    func release(_ connection: RedisConnection) {
        let (handOffs, toClose) = state.withLock { state -> ([State.Resumption], [RedisConnection]) in
            if state.isShutdown {
                state.open -= 1
                return ([], [connection])
            }
            state.idle.append(connection)
            return (state.serveWaiters(now: .now), [])
        }
        closeInBackground(toClose)
        handOffs.forEach { $0.resume() }
    }

    /// Records that a leased connection broke (the caller has closed it). After an I/O error the
    /// idle connections are most likely dead too (server restarted), so they are closed as well.
    func connectionBroke(closingIdle: Bool) {
        let (handOffs, stale) = state.withLock { state -> ([State.Resumption], [RedisConnection]) in
            state.open -= 1
            var stale: [RedisConnection] = []
            if closingIdle {
                stale = state.idle
                state.idle.removeAll()
                state.open -= stale.count
            }
            return (state.serveWaiters(now: .now), stale)
        }
        closeInBackground(stale)
        handOffs.forEach { $0.resume() }
    }

    /// Records that a ``Lease/newConnection`` slot produced a connection.
    func connectSucceeded() {
        let recovered = state.withLock { state -> Int in
            let failures = state.backoff.consecutiveFailures
            state.backoff.recordSuccess()
            state.probing = false
            return failures
        }
        if recovered > 0 {
            logger.info("redis reconnected", metadata: [
                "redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)",
                "redis.failed_attempts": "\(recovered)",
            ])
        }
    }

    /// Records that opening a connection failed: starts or extends the backoff and fails the
    /// waiters that can no longer be served.
    func connectFailed(_ error: RedisError) {
        let (delay, failures, handOffs) = state.withLock { state -> (Duration, Int, [State.Resumption]) in
            state.open -= 1
            state.probing = false
            let delay = state.backoff.recordFailure("\(error)", now: .now)
            return (delay, state.backoff.consecutiveFailures, state.serveWaiters(now: .now))
        }
        logger.warning("redis connection failed", metadata: [
            "redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)",
            "error": "\(error)", "redis.failed_attempts": "\(failures)",
            "redis.retry_in_ms": "\(delay.totalMillisecondsRoundedUp)",
        ])
        handOffs.forEach { $0.resume() }
    }

    /// Returns a lease whose command never ran (the task was cancelled or the thread pool stopped).
    func giveBack(_ lease: Lease) {
        switch lease {
        case .connection(let connection):
            release(connection)
        case .newConnection:
            let handOffs = state.withLock { state -> [State.Resumption] in
                state.open -= 1
                // While failing, the only outstanding new-connection slot is the probe.
                if state.backoff.isFailing { state.probing = false }
                return state.serveWaiters(now: .now)
            }
            handOffs.forEach { $0.resume() }
        }
    }

    /// Refuses new work, fails every waiter with ``RedisError/shutdown`` and closes idle
    /// connections; connections still in use are closed when they come back.
    func shutdown() {
        let (handOffs, idle) = state.withLock { state -> ([State.Resumption], [RedisConnection]) in
            state.isShutdown = true
            let idle = state.idle
            state.idle.removeAll()
            state.open -= idle.count
            return (state.serveWaiters(now: .now), idle)
        }
        closeInBackground(idle)
        handOffs.forEach { $0.resume() }
    }

    /// A snapshot of the pool's counters.
    var statistics: RedisPoolStatistics {
        state.withLock { state in
            RedisPoolStatistics(
                open: state.open, idle: state.idle.count, waiting: state.waiters.count,
                consecutiveConnectFailures: state.backoff.consecutiveFailures
            )
        }
    }

    /// Closes connections on the thread pool (`redisFree` closes a socket). If the thread pool
    /// is no longer running, `submit` runs the closure right here instead, so nothing leaks.
    private func closeInBackground(_ connections: [RedisConnection]) {
        guard !connections.isEmpty else { return }
        threadPool.submit { _ in
            connections.forEach { $0.close() }
        }
    }
}

/// Counters describing a ``RedisClient``'s connection pool at one moment.
public struct RedisPoolStatistics: Sendable, Hashable {
    /// Connections that exist or are being opened (idle plus in use).
    public var open: Int
    /// Open connections waiting for a command.
    public var idle: Int
    /// Commands waiting for a connection.
    public var waiting: Int
    /// Failed connection attempts since the last successful one.
    public var consecutiveConnectFailures: Int

    /// Connections currently running a command (or being opened).
    public var inUse: Int { open - idle }
}
