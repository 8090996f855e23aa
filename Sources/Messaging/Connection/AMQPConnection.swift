import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One connection to RabbitMQ: one TCP connection, served by one dedicated thread that owns
/// the rabbitmq-c connection and makes every rabbitmq-c call (the library is not
/// thread-safe). Callers never block: they hand commands to the thread through a locked
/// mailbox and an eventfd, and suspend until the thread resumes them.
///
/// - Channel 1 publishes with publisher confirms; every publish is `mandatory`, pipelined,
///   and reported successful only after the broker's `basic.ack`.
/// - Channel 2 declares, inspects, purges and deletes queues; channel 3 serves `basic.get`.
/// - Each consumer has its own channel (10 and up) with its own prefetch, so a consume that
///   the broker refuses (say, for a missing queue) closes no one else's channel.
///
/// When the connection dies, pending publishes fail with ``AMQPError/connectionLost(reason:)``,
/// deliveries of the old connection become stale (settling them is a no-op; the broker
/// redelivers), and the thread reconnects with capped, jittered exponential backoff,
/// re-declares every queue passed to ``declare(_:)`` and re-subscribes every consumer on its
/// existing stream. Calls made while disconnected (or before the first connect) wait for a
/// connection up to ``AMQPConfiguration/connectionWaitTimeout``.
///
/// Run it in a `ServiceGroup` (or call ``run()`` yourself): nothing is sent before `run()`
/// starts the thread.
public final class AMQPConnection: Service, Sendable {
    private enum Lifecycle {
        case idle, running, finished
    }

    /// The configuration the connection was created with.
    public let configuration: AMQPConfiguration
    let logger: Logger
    let mailbox = CommandMailbox()
    let status = ConnectionStatus()
    private let lifecycle = Mutex(Lifecycle.idle)
    private let lastConsumerID = Atomic<UInt64>(0)

    /// A connection that will connect when ``run()`` starts.
    public init(configuration: AMQPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether the connection is up and restored (declarations re-run, consumers re-subscribed).
    public var isConnected: Bool { status.isConnected }

    /// How many times a connection has been established: 1 after the first connect, one more
    /// per reconnect.
    public var connectionCount: Int { status.connectionCount }

    /// Starts the connection's thread and returns once the connection is closed after graceful
    /// shutdown or task cancellation: consumers are cancelled, outstanding confirms awaited
    /// (up to ``AMQPConfiguration/shutdownTimeout``), channels and connection closed.
    /// - Throws: ``AMQPError/shutdown`` if the connection already ran.
    public func run() async throws {
        let starting = lifecycle.withLock { state in
            guard case .idle = state else { return false }
            state = .running
            return true
        }
        guard starting else { throw AMQPError.shutdown }
        defer { lifecycle.withLock { $0 = .finished } }

        let (configuration, logger, mailbox, status) = (self.configuration, self.logger, self.mailbox, self.status)
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    ConnectionDriver(configuration: configuration, logger: logger, mailbox: mailbox, status: status).run()
                    finished.resume()
                }
                thread.name = "amqp \(configuration.connectionName)"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            mailbox.requestShutdown()
        }
    }

    // MARK: Internals shared by the API extensions

    /// The next consumer's identity.
    func nextConsumerID() -> UInt64 {
        lastConsumerID.add(1, ordering: .relaxed).newValue
    }

    /// When a command submitted now stops waiting for a connection.
    func commandDeadline() -> ContinuousClock.Instant {
        .now + configuration.connectionWaitTimeout
    }

    /// Submits the command `make` builds and suspends until the thread completes it.
    func perform<Value: Sendable>(
        _ make: (CheckedContinuation<Value, any Error>) -> ConnectionCommand
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let command = make(continuation)
            if !mailbox.submit(command) { command.fail(.shutdown) }
        }
    }
}
