import Contracts
import Foundation
import Logging
import Messaging
import ServiceKit
import ServiceLifecycle

/// Consumes one queue and runs its handler on each delivery, up to `concurrency` at once,
/// then settles the delivery: ack, retry through the delay queue, or dead-letter.
///
/// On graceful shutdown it stops consuming, lets what is in flight finish (within the grace
/// period), settles it, and returns; whatever did not finish stays unacknowledged and the
/// broker redelivers it. Nothing is lost.
public struct QueueWorker<Handler: WorkerHandler>: Service {
    let policy: QueuePolicy
    let connection: AMQPConnection
    let handler: Handler
    let logger: Logger
    let settings: WorkerSettings
    let metrics: WorkerMetrics
    let publisher: MessagePublisher

    public init(policy: QueuePolicy, connection: AMQPConnection, handler: Handler, settings: WorkerSettings, logger: Logger) {
        self.policy = policy
        self.connection = connection
        self.handler = handler
        self.settings = settings
        var logger = logger
        logger[metadataKey: "queue"] = "\(policy.name)"
        self.logger = logger
        self.metrics = WorkerMetrics(queue: policy.name)
        self.publisher = MessagePublisher(connection: connection)
    }

    public func run() async throws {
        try await connection.declare(policy.declarations)
        let deliveries = connection.consume(queue: policy.name, prefetch: policy.prefetch)
        logger.info("consuming", metadata: ["prefetch": "\(policy.prefetch)", "concurrency": "\(policy.concurrency)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [connection, logger] in
                do {
                    try await gracefulShutdown()
                } catch {
                    return  // cancelled: the deliveries ended on their own
                }
                logger.info("shutting down: no new messages, finishing those in flight")
                await connection.cancelConsumers()
            }
            await consume(deliveries)
            group.cancelAll()
        }
        logger.info("stopped consuming")
    }

    /// What finished in the handler task group.
    private enum Finished: Sendable {
        case handled
        case gracePeriodOver
    }

    private func consume(_ deliveries: AsyncStream<Delivery>) async {
        await withTaskGroup(of: Finished.self) { group in
            var running = 0
            for await delivery in deliveries {
                if running >= policy.concurrency, await group.next() != nil {
                    running -= 1
                }
                running += 1
                group.addTask {
                    await process(delivery)
                    return .handled
                }
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

    /// How a delivery is settled.
    enum Outcome: Sendable {
        case success
        case retry(reason: String)
        case deadLetter(reason: String)
    }

    func process(_ delivery: Delivery) async {
        let attempt = delivery.attempt
        let messageID = delivery.properties.messageID ?? "unidentified-\(delivery.deliveryTag)"
        var logger = self.logger
        logger[metadataKey: "message.id"] = "\(messageID)"
        logger[metadataKey: "message.type"] = "\(delivery.properties.type ?? "none")"
        logger[metadataKey: "attempt"] = "\(attempt)"
        if let correlationID = delivery.properties.correlationID {
            logger[metadataKey: "correlation.id"] = "\(correlationID)"
        }
        metrics.received.increment()
        metrics.started()
        defer { metrics.finished() }

        let start = ContinuousClock.now
        let outcome: Outcome
        do {
            let message = try Handler.Message.decode(type: delivery.properties.type, body: delivery.body)
            let context = MessageContext(
                messageID: messageID,
                correlationID: delivery.properties.correlationID,
                messageType: delivery.properties.type,
                attempt: attempt,
                deadline: start + settings.handlerTimeout,
                logger: logger,
                publisher: publisher
            )
            try await runHandler(message, context: context)
            outcome = .success
        } catch let error as MessageDecodingError {
            outcome = .deadLetter(reason: "cannot be decoded: \(error)")
        } catch let failure as PermanentFailure {
            outcome = .deadLetter(reason: failure.reason)
        } catch {
            if Task.isCancelled {
                logger.warning("handler abandoned at shutdown; the broker will redeliver the message")
                return
            }
            let reason = Self.describe(error)
            outcome = attempt >= policy.maxAttempts
                ? .deadLetter(reason: "failed \(attempt) times, last: \(reason)")
                : .retry(reason: reason)
        }
        metrics.handlerDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        await settle(delivery, outcome, logger: logger)
    }

    /// Runs the handler, giving up (as a retryable failure) at the context's deadline.
    private func runHandler(_ message: Handler.Message, context: MessageContext) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await handler.handle(message, context: context) }
            group.addTask {
                try await Task.sleep(until: context.deadline)
                throw HandlerTimeout(seconds: settings.handlerTimeout.components.seconds)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    static func describe(_ error: any Error) -> String {
        String(String(reflecting: error).prefix(1000))
    }
}

/// The handler ran past its deadline.
struct HandlerTimeout: Error, CustomStringConvertible {
    var seconds: Int64
    var description: String { "the handler did not finish within \(seconds) s" }
}

extension Duration {
    /// The whole duration in nanoseconds, for metrics.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
