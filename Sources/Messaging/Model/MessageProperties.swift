import Foundation

/// The AMQP basic properties the shop uses on every message.
public struct MessageProperties: Sendable, Hashable {
    /// Stable identity of the message, kept across retries (`message_id`).
    public var messageID: String?
    /// The order or request the message belongs to (`correlation_id`).
    public var correlationID: String?
    /// What the message means, e.g. `order.placed` (`type`).
    public var type: String?
    /// When the message was first created, in whole seconds (`timestamp`).
    public var timestamp: Date?
    /// The body's media type (`content_type`), `application/json` by default.
    public var contentType: String?
    /// Application headers: attempt counts, `traceparent`, and the broker's `x-death`.
    public var headers: [String: AMQPValue]
    /// Whether the broker writes the message to disk (`delivery_mode` 2), true by default.
    public var persistent: Bool
    /// Per-message TTL in milliseconds, as a decimal string, as AMQP wants it (`expiration`).
    public var expiration: String?
    /// Where a reply should go (`reply_to`).
    public var replyTo: String?

    /// Properties with the shop's defaults: JSON content, persistent delivery, no headers.
    public init(
        messageID: String? = nil,
        correlationID: String? = nil,
        type: String? = nil,
        timestamp: Date? = nil,
        contentType: String? = "application/json",
        headers: [String: AMQPValue] = [:],
        persistent: Bool = true,
        expiration: String? = nil,
        replyTo: String? = nil
    ) {
        self.messageID = messageID
        self.correlationID = correlationID
        self.type = type
        self.timestamp = timestamp
        self.contentType = contentType
        self.headers = headers
        self.persistent = persistent
        self.expiration = expiration
        self.replyTo = replyTo
    }
}
