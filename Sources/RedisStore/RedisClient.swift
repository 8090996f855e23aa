import Logging
import NIOPosix
import ServiceLifecycle

/// A pooled Redis client over hiredis' blocking API.
///
/// Each command checks a connection out of a bounded pool (waiting, without blocking a thread,
/// when all are busy), runs on the `NIOThreadPool` given to the initialiser — never on an event
/// loop or a cooperative thread — and returns the connection. A connection that breaks is dropped
/// and the next command connects anew; while Redis is unreachable, reconnection attempts follow a
/// capped, jittered backoff and commands fail fast with ``RedisError/unavailable(reason:)``.
///
/// Give the thread pool at least ``RedisConfiguration/poolSize`` threads for full concurrency.
/// Run the client as a `Service` (its ``run()`` closes the pool on graceful shutdown) or call
/// ``shutdown()`` yourself. A failed command is never retried automatically: after an I/O error
/// it is unknown whether the server applied it.
public final class RedisClient: Service, Sendable {
    /// The configuration this client was created with.
    public let configuration: RedisConfiguration
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let pool: RedisConnectionPool

    /// Creates a client. No connection is opened until the first command.
    public init(configuration: RedisConfiguration, threadPool: NIOThreadPool, logger: Logger) {
        self.configuration = configuration
        self.threadPool = threadPool
        self.logger = logger
        self.pool = RedisConnectionPool(configuration: configuration, threadPool: threadPool, logger: logger)
    }

    /// Waits for graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes idle connections, fails waiting commands with ``RedisError/shutdown`` and refuses
    /// new ones; connections still running a command are closed as soon as it completes.
    public func shutdown() async {
        pool.shutdown()
        logger.debug("redis client shut down", metadata: ["redis.host": "\(configuration.host)"])
    }

    /// A snapshot of the connection pool's counters (for metrics, readiness and tests).
    public var poolStatistics: RedisPoolStatistics {
        pool.statistics
    }

    /// Sends one command with text arguments. `command` is the command name, optionally with its
    /// subcommand (`"CLIENT LIST"`); the arguments are sent binary-safe, one per argument.
    /// - Returns: The reply, never ``RedisValue/error(_:)``.
    /// - Throws: ``RedisError/server(message:command:)`` for an error reply, or another ``RedisError``.
    public func send(_ command: String, _ arguments: [String]) async throws -> RedisValue {
        try await send(command, arguments.map { Array($0.utf8) })
    }

    /// Sends one command with binary arguments (see the `[String]` overload).
    public func send(_ command: String, _ arguments: [[UInt8]]) async throws -> RedisValue {
        let words = command.split(separator: " ", omittingEmptySubsequences: true)
        guard !words.isEmpty else { throw RedisError.invalidCommand(reason: "empty command name") }
        let name = words.joined(separator: " ").uppercased()
        let argv = words.map { Array($0.utf8) } + arguments
        let reply = try await withConnection(command: name) { connection throws(RedisError) in
            try connection.run(argv, name: name)
        }
        if case .error(let message) = reply {
            throw RedisError.server(message: message, command: name)
        }
        return reply
    }

    /// Sends many commands in one round trip on one connection (each inner array is a whole
    /// command: name then arguments) and returns their replies in order. Error replies are
    /// returned in place as ``RedisValue/error(_:)``; the call throws only if the connection fails.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        try await pipeline(commands.map { $0.map { Array($0.utf8) } })
    }

    /// Binary-safe form of the `[[String]]` overload.
    public func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard !commands.contains(where: \.isEmpty) else {
            throw RedisError.invalidCommand(reason: "a pipelined command has no name")
        }
        let name = "PIPELINE(\(commands.count))"
        return try await withConnection(command: name) { connection throws(RedisError) in
            try connection.pipeline(commands, name: name)
        }
    }

    /// Sends `PING` and checks for `PONG` (for readiness checks).
    public func ping() async throws {
        let reply = try await send("PING", [String]())
        guard reply == .status("PONG") else { throw RedisError.unexpectedReply(command: "PING", reply) }
    }
}

extension RedisClient {
    /// What happened to one command on a thread-pool thread.
    private enum Outcome<Value: Sendable>: Sendable {
        case completed(Value, RedisConnection, connected: Bool)
        case connectFailed(RedisError)
        case broke(RedisError, connected: Bool)
    }

    /// Checks a connection out (opening one if the lease says so), runs `body` with it on the
    /// thread pool, and hands the connection back to the pool or drops it if it broke.
    private func withConnection<Value: Sendable>(
        command: String,
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> Value
    ) async throws -> Value {
        let lease = try await pool.checkout()
        let outcome: Outcome<Value>
        do {
            outcome = try await threadPool.runIfActive { [configuration] () -> Outcome<Value> in
                let connection: RedisConnection
                let connected: Bool
                switch lease {
                case .connection(let existing):
                    connection = existing
                    connected = false
                case .newConnection:
                    do throws(RedisError) {
                        connection = try RedisConnection.connect(configuration)
                        connected = true
                    } catch {
                        return .connectFailed(error)
                    }
                }
                do throws(RedisError) {
                    return .completed(try body(connection), connection, connected: connected)
                } catch {
                    connection.close()
                    return .broke(error, connected: connected)
                }
            }
        } catch {
            // The closure never ran: the task was cancelled or the thread pool is not running.
            pool.giveBack(lease)
            if error is CancellationError { throw error }
            throw RedisError.unavailable(reason: "the NIOThreadPool is not running")
        }

        switch outcome {
        case .completed(let value, let connection, let connected):
            if connected { pool.connectSucceeded() }
            pool.release(connection)
            return value
        case .connectFailed(let error):
            pool.connectFailed(error)
            throw error
        case .broke(let error, let connected):
            if connected { pool.connectSucceeded() }
            let serverLikelyGone: Bool
            if case .io = error { serverLikelyGone = true } else { serverLikelyGone = false }
            pool.connectionBroke(closingIdle: serverLikelyGone)
            logger.warning("redis connection dropped", metadata: [
                "redis.command": "\(command)", "error": "\(error)",
            ])
            throw error
        }
    }
}
