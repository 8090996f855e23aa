import Foundation
import Messaging
import WorkerRuntime

/// Turning a dead-lettered message back into a first attempt.
extension Delivery {
    /// Headers that describe a failure: the worker runtime's, and the broker's own
    /// dead-lettering history and delivery count.
    static let failureHeaders: Set<String> = [
        WorkerHeaders.reason, WorkerHeaders.failures, WorkerHeaders.failedAt, WorkerHeaders.worker, WorkerHeaders.originalQueue,
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
    ]

    /// The header a replayed message carries: when it was replayed (ISO 8601 with
    /// milliseconds, like the runtime's times).
    static let replayedAtHeader = "x-replayed-at"

    /// This message as a first attempt on the work queue `queue`: the same body, message id,
    /// type, correlation id, timestamp and other headers (such as `traceparent`); the attempt
    /// counter reset to 1, the failure headers removed, `x-replayed-at` added; persistent, with
    /// no expiration.
    func replayMessage(to queue: String, replayedAt date: Date) -> OutgoingMessage {
        var properties = self.properties
        for header in Self.failureHeaders {
            properties.headers[header] = nil
        }
        properties.headers[WorkerHeaders.attempt] = .int(1)
        properties.headers[Self.replayedAtHeader] = .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        properties.persistent = true
        properties.expiration = nil
        return OutgoingMessage(exchange: "", routingKey: queue, body: body, properties: properties)
    }
}
