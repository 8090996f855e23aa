import AsyncAlgorithms
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
        let deliveries = connection.consume(queue: policy.name, prefetch: policy.prefetch)
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
            if let batch {
                await consume(deliveries.chunks(ofCount: batch.size, or: .repeating(every: batch.wait)), stopping: stopping)
            } else {
                await consume(deliveries.map { [$0] }, stopping: stopping)
            }
            group.cancelAll()
        }
        logger.info("stopped consuming")
    }

    /// Hands deliveries that will not be handled back to the broker.
    private func requeue(_ deliveries: [Delivery]) async {
        for delivery in deliveries {
            try? await connection.reject(delivery, requeue: true)
        }
    }

    /// What finished in the handler task group.
    private enum Finished: Sendable {
        case handled
        case gracePeriodOver
    }

    /// Runs up to `concurrency` batches at once until `batches` ends, then waits for the ones
    /// in flight, at most the grace period. Once stopping, deliveries that arrived but did not
    /// start are handed back to the broker at once (for another consumer), not handled.
    private func consume<Batches: AsyncSequence & Sendable>(_ batches: Batches, stopping: StoppingFlag) async
    where Batches.Element == [Delivery] {
        await withTaskGroup(of: Finished.self) { group in
            var running = 0
            do {
                for try await deliveries in batches {
                    if stopping.isSet {
                        await requeue(deliveries)
                        continue
                    }
                    if running >= policy.concurrency, await group.next() != nil {
                        running -= 1
                    }
                    running += 1
                    group.addTask {
                        await process(deliveries)
                        return .handled
                    }
                }
            } catch {
                logger.error("the delivery stream failed", metadata: ["error": "\(error)"])
            }
            guard running > 0 else { return }
            logger.info("waiting for messages in flight", metadata: ["in_flight": "\(running)"])
            group.addTask { [gracePeriod = settings.shutdownGracePeriod] in
                try? await Task.sleep(for: gracePeriod)
                return .gracePeriodOver
            }
            while running > 0, let finished = await group.next() {
                switch finished {
                case .handled:
                    running -= 1
                case .gracePeriodOver:
                    logger.warning("grace period over: abandoning unfinished messages to redelivery", metadata: ["in_flight": "\(running)"])
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
    }
}

/// Set once the worker stops taking new messages.
final class StoppingFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
