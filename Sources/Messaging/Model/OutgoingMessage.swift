/// A message to publish: where it goes, its body and its properties.
///
/// Every publish is `mandatory`: a message no queue accepts fails with ``AMQPError/unroutable(routingKey:reason:)``.
public struct OutgoingMessage: Sendable {
    /// The exchange; `""` is the default exchange, which routes by queue name.
    public var exchange: String
    /// The routing key; with the default exchange, the queue's name.
    public var routingKey: String
    /// The body's bytes (JSON in the shop).
    public var body: [UInt8]
    /// The message's properties.
    public var properties: MessageProperties

    /// A message for `routingKey` on `exchange` (the default exchange unless given).
    public init(exchange: String = "", routingKey: String, body: [UInt8], properties: MessageProperties = MessageProperties()) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
    }
}
