import Contracts
import Foundation
import Logging
import Messaging

/// Publishes contract messages (``QueueMessage``) to their queues through one AMQP
/// connection: persistent, with `message_id`, `correlation_id`, `type`, `timestamp` and
/// `content_type` set, and the W3C `traceparent` header when there is a trace. `publish` returns only once the broker confirmed every message.
public struct MessagePublisher: Sendable {
    public let connection: AMQPConnection

    public init(connection: AMQPConnection) {
        self.connection = connection
    }

    /// Publishes one message and waits for the broker's confirmation.
    public func publish<Message: QueueMessage>(
        _ message: Message, messageID: String, correlationID: String?, traceParent: TraceParent? = nil, headers: [String: AMQPValue] = [:]
    ) async throws {
        try await connection.publish(
            try Self.outgoing(message, messageID: messageID, correlationID: correlationID, traceParent: traceParent, headers: headers)
        )
    }

    /// Publishes several messages pipelined and waits until the broker confirmed them all.
    public func publish(_ messages: [OutgoingMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await connection.publish(messages)
    }

    /// The AMQP message for a contract message.
    public static func outgoing<Message: QueueMessage>(
        _ message: Message,
        messageID: String,
        correlationID: String?,
        traceParent: TraceParent? = nil,
        headers: [String: AMQPValue] = [:]
    ) throws -> OutgoingMessage {
        var properties = MessageProperties()
        properties.messageID = messageID
        properties.correlationID = correlationID
        properties.type = Message.messageType
        properties.timestamp = Date()
        properties.contentType = "application/json"
        properties.persistent = true
        properties.headers = headers
        if let traceParent {
            properties.headers["traceparent"] = .string(traceParent.description)
        }
        return OutgoingMessage(exchange: "", routingKey: Message.queue.rawValue, body: try message.encodedBody(), properties: properties)
    }
}
