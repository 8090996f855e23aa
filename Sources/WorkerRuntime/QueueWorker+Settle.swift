import Foundation
import Logging
import Messaging

extension QueueWorker {
    /// Acks, retries or dead-letters `delivery`. A retry or dead-letter copy is confirmed by
    /// the broker before the original is acked; if anything fails, the original is requeued
    /// (or, with the connection gone, redelivered by the broker): never dropped.
    /// An ack is not waited for (see ``AMQPConnection/ackWithoutWaiting(_:)``): the connection
    /// sends it in order, before it closes.
    func settle(_ delivery: Delivery, _ outcome: Outcome, context: MessageContext) async {
        do {
            switch outcome {
            case .success:
                connection.ackWithoutWaiting(delivery)
                metrics.acked.increment()
                if logger.logLevel <= .debug {
                    context.logger.debug("acked")
                }

            case .retry(let reason, let countsAsAttempt, let backingOff):
                let logger = context.logger
                // The message waits as long as a retry after this attempt does (an outage or
                // a RetryLater just does not count the attempt; a RetryLater waits longer with
                // each failure), in a delay queue that exists: those serve attempts 2 through
                // maxAttempts.
                guard policy.maxAttempts >= 2 else {
                    try await Task.sleep(for: policy.backoff.initial)
                    try await connection.reject(delivery, requeue: true)
                    return
                }
                let slot = Self.retrySlot(
                    attempt: delivery.attempt, failures: delivery.failureTimes.count, backingOff: backingOff, maxAttempts: policy.maxAttempts)
                let next = countsAsAttempt ? slot : delivery.attempt
                let delay = policy.backoff.jitteredDelay(beforeAttempt: slot)
                var copy = Self.copy(of: delivery, to: policy.retryQueue(forAttempt: slot))
                copy.properties.headers[WorkerHeaders.attempt] = .int(Int64(next))
                copy.properties.headers[WorkerHeaders.reason] = .string(reason)
                copy.properties.headers[WorkerHeaders.failures] = .array(delivery.failureTimes + [.string(Self.now())])
                copy.properties.expiration = String(max(1, delay.milliseconds))
                try await connection.publish(copy)
                try await connection.ack(delivery)
                metrics.retried.increment()
                logger.warning(
                    countsAsAttempt ? "handler failed; retrying later" : "cannot be handled now; retrying later, the attempt not counted",
                    metadata: ["error": "\(reason)", "next_attempt": "\(next)", "delay.ms": "\(delay.milliseconds)"]
                )

            case .deadLetter(let reason):
                let logger = context.logger
                var copy = Self.copy(of: delivery, to: policy.deadLetterQueue)
                let now = Self.now()
                copy.properties.headers[WorkerHeaders.attempt] = .int(Int64(delivery.attempt))
                copy.properties.headers[WorkerHeaders.reason] = .string(reason)
                copy.properties.headers[WorkerHeaders.failedAt] = .string(now)
                copy.properties.headers[WorkerHeaders.failures] = .array(delivery.failureTimes + [.string(now)])
                copy.properties.headers[WorkerHeaders.worker] = .string(settings.workerName)
                copy.properties.headers[WorkerHeaders.originalQueue] = .string(policy.name)
                copy.properties.expiration = nil
                try await connection.publish(copy)
                try await connection.ack(delivery)
                metrics.deadLettered.increment()
                logger.error("dead-lettered", metadata: ["reason": "\(reason)", "dead_letter_queue": "\(policy.deadLetterQueue)"])
            }
        } catch {
            context.logger.error("could not settle the message; it will be delivered again", metadata: ["error": "\(error)"])
            try? await connection.reject(delivery, requeue: true)
        }
    }

    /// The delivery as a new message to `queue`, with the same body and properties.
    static func copy(of delivery: Delivery, to queue: String) -> OutgoingMessage {
        OutgoingMessage(exchange: "", routingKey: queue, body: delivery.body, properties: delivery.properties)
    }

    /// Now, as the headers write times: ISO 8601 with milliseconds.
    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Which attempt's delay a retry waits (its delay queue): the next attempt's; for a message
    /// ``RetryLater`` holds back (`backingOff`), one further per failure so far, so a long wait
    /// is checked less and less often. Never past `maxAttempts`, the last delay queue.
    static func retrySlot(attempt: Int, failures: Int, backingOff: Bool, maxAttempts: Int) -> Int {
        let next = backingOff ? max(attempt, failures + 1) + 1 : attempt + 1
        return min(next, maxAttempts)
    }
}
