import Foundation
import Logging
import Messaging

extension QueueWorker {
    /// Acks, retries or dead-letters `delivery`. A retry or dead-letter copy is confirmed by
    /// the broker before the original is acked; if anything fails, the original is requeued
    /// (or, with the connection gone, redelivered by the broker): never dropped.
    func settle(_ delivery: Delivery, _ outcome: Outcome, logger: Logger) async {
        do {
            switch outcome {
            case .success:
                try await connection.ack(delivery)
                metrics.acked.increment()
                logger.debug("acked")

            case .retry(let reason):
                let next = delivery.attempt + 1
                let delay = policy.backoff.delay(beforeAttempt: next)
                let jittered = delay * (1 - Double.random(in: 0...policy.backoff.jitter))
                var copy = Self.copy(of: delivery, to: policy.retryQueue(forAttempt: next))
                copy.properties.headers[WorkerHeaders.attempt] = .int(Int64(next))
                copy.properties.headers[WorkerHeaders.reason] = .string(reason)
                copy.properties.expiration = String(max(1, jittered.milliseconds))
                try await connection.publish(copy)
                try await connection.ack(delivery)
                metrics.retried.increment()
                logger.warning(
                    "handler failed; retrying later",
                    metadata: ["error": "\(reason)", "next_attempt": "\(next)", "delay.ms": "\(jittered.milliseconds)"]
                )

            case .deadLetter(let reason):
                var copy = Self.copy(of: delivery, to: policy.deadLetterQueue)
                copy.properties.headers[WorkerHeaders.attempt] = .int(Int64(delivery.attempt))
                copy.properties.headers[WorkerHeaders.reason] = .string(reason)
                copy.properties.headers[WorkerHeaders.failedAt] = .string(Date().formatted(.iso8601))
                copy.properties.headers[WorkerHeaders.worker] = .string(settings.workerName)
                copy.properties.headers[WorkerHeaders.originalQueue] = .string(policy.name)
                copy.properties.expiration = nil
                try await connection.publish(copy)
                try await connection.ack(delivery)
                metrics.deadLettered.increment()
                logger.error("dead-lettered", metadata: ["reason": "\(reason)", "dead_letter_queue": "\(policy.deadLetterQueue)"])
            }
        } catch {
            logger.error("could not settle the message; it will be delivered again", metadata: ["error": "\(error)"])
            try? await connection.reject(delivery, requeue: true)
        }
    }

    /// The delivery as a new message to `queue`, with the same body and properties.
    static func copy(of delivery: Delivery, to queue: String) -> OutgoingMessage {
        OutgoingMessage(exchange: "", routingKey: queue, body: delivery.body, properties: delivery.properties)
    }
}
