/// A message the broker delivered to a consumer (or handed out by `basic.get`).
///
/// Settle it with ``AMQPConnection/ack(_:)`` or ``AMQPConnection/reject(_:requeue:)`` on the
/// connection that delivered it. A delivery remembers the channel instance it arrived on: once
/// that channel or its connection is gone the broker redelivers the message, and settling the
/// old delivery is a no-op.
public struct Delivery: Sendable {
    /// The broker's tag for this delivery, unique per channel.
    public let deliveryTag: UInt64
    /// Whether the broker delivered this message before (to this or another consumer).
    public let redelivered: Bool
    /// The exchange the message was published to (`""` for the default exchange).
    public let exchange: String
    /// The routing key the message was published with.
    public let routingKey: String
    /// The message's properties.
    public let properties: MessageProperties
    /// The message's body.
    public let body: [UInt8]
    /// Which channel instance delivered it: settling checks this against the live channel.
    let receipt: DeliveryReceipt

    /// A delivery that belongs to no connection, for tests of code that handles deliveries:
    /// acknowledging or rejecting it does nothing.
    public init(
        deliveryTag: UInt64,
        redelivered: Bool = false,
        exchange: String = "",
        routingKey: String,
        properties: MessageProperties = MessageProperties(),
        body: [UInt8]
    ) {
        self.init(
            deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
            properties: properties, body: body, receipt: .detached
        )
    }

    init(
        deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String,
        properties: MessageProperties, body: [UInt8], receipt: DeliveryReceipt
    ) {
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
        self.receipt = receipt
    }
}

/// Where a delivery came from: a channel number and the serial of that channel's opening.
/// Serials are unique for the lifetime of an ``AMQPConnection``, across reconnects.
struct DeliveryReceipt: Sendable, Hashable {
    /// The channel number on the connection that delivered the message.
    let channel: UInt16
    /// The serial of the channel opening; 0 for deliveries made outside any connection.
    let channelSerial: UInt64

    /// The receipt of a delivery no connection made.
    static let detached = DeliveryReceipt(channel: 0, channelSerial: 0)
}
