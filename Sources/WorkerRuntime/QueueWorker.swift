import Contracts
import Foundation
import Synchronization
import Logging
import Messaging
import ServiceKit
import ServiceLifecycle

/// Consumes one queue and runs its handler on each delivery (or batch of deliveries), up to
/// `concurrency` at once, then settles each delivery on its own: ack, retry through the delay
/// queue, or dead-letter.
///
/// The handlers run in `concurrency` long-lived slots (tasks of the worker's task group), each
/// taking the next delivery (or batch) from the consumer's ``DeliveryInbox``, handling and
/// settling it, and taking the next: no task per message. A handler that passes its deadline
/// has its slot's task cancelled; that slot ends and a new one settles the delivery and
/// carries on (see QueueWorker+Slots.swift).
///
/// On graceful shutdown it stops consuming, lets what is in flight finish (within the grace
/// period), settles it, and returns; whatever did not finish stays unacknowledged and the
/// broker redelivers it. Nothing is lost.
public struct QueueWorker: Service {
    let policy: QueuePolicy
    let connection: AMQPConnection
    let invoker: any HandlerInvoker
    let logger: Logger
    let settings: WorkerSettings
    let metrics: WorkerMetrics
    let publisher: MessagePublisher
    let watchdog = DeadlineWatchdog()

    /// A worker that hands its handler one message at a time.
    public init<Handler: WorkerHandler>(
        policy: QueuePolicy, connection: AMQPConnection, handler: Handler, settings: WorkerSettings, logger: Logger
    ) {
        self.init(policy: policy, connection: connection, invoker: SingleMessageInvoker(handler: handler), settings: settings, logger: logger)
    }

    /// A worker that hands its handler batches, as `policy.batch` says (one at a time without it).
    public init<Handler: BatchWorkerHandler>(
        policy: QueuePolicy, connection: AMQPConnection, handler: Handler, settings: WorkerSettings, logger: Logger
    ) {
        self.init(policy: policy, connection: connection, invoker: BatchInvoker(handler: handler), settings: settings, logger: logger)
    }

    init(policy: QueuePolicy, connection: AMQPConnection, invoker: any HandlerInvoker, settings: WorkerSettings, logger: Logger) {
        self.policy = policy
        self.connection = connection
        self.invoker = invoker
        self.settings = settings
        var logger = logger
        logger[metadataKey: "queue"] = "\(policy.name)"
        self.logger = logger
        self.metrics = WorkerMetrics(queue: policy.name)
        self.publisher = MessagePublisher(connection: connection)
    }

    /// The batching in effect: the queue's, if the handler takes batches.
    var batch: BatchPolicy? {
        invoker.takesBatches ? policy.batch : nil
    }

    public func run() async throws {
        if policy.batch != nil, !invoker.takesBatches {
            logger.warning("queues.yaml asks for batches, but this handler takes one message at a time")
        }
        try await connection.declare(policy.declarations)
        let inbox = connection.subscribe(queue: policy.name, prefetch: policy.prefetch)
        logger.info(
            "consuming",
            metadata: [
                "prefetch": "\(policy.prefetch)", "concurrency": "\(policy.concurrency)",
                "batch.size": "\(batch?.size ?? 1)",
            ]
        )
        let stopping = StoppingFlag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [watchdog] in await watchdog.watch() }
            group.addTask { [connection, logger] in
                do {
                    try await gracefulShutdown()
                } catch {
                    return  // cancelled: the deliveries ended on their own
                }
                logger.info("shutting down: no new messages, finishing those in flight")
                stopping.set()
                await connection.cancelConsumers()
            }
            await consume(inbox, stopping: stopping)
            group.cancelAll()
        }
        // A no-op after a graceful stop (the consumer has ended); if the worker was cancelled
        // instead, the consumer stops and the broker requeues what was not acked.
        inbox.cancel()
        logger.info("stopped consuming")
    }

    /// Hands deliveries that will not be handled back to the broker.
    func requeue(_ deliveries: [Delivery]) async {
        for delivery in deliveries {
            try? await connection.reject(delivery, requeue: true)
        }
    }
}

/// Set once the worker stops taking new messages.
final class StoppingFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
