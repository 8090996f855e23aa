internal import CRabbitMQ
internal import CAMQPShims

/// The AMQP methods the connection uses, each a thin, checked call into rabbitmq-c.
extension AMQPSession {
    // MARK: Publishing

    /// Puts `channel` in publisher-confirm mode (`confirm.select`).
    func confirmSelect(channel: UInt16) throws(SessionError) {
        amqp_confirm_select(state, channel)
        try checkLastReply(channel: channel, operation: "confirm.select")
    }

    /// Sends one mandatory `basic.publish` with its content.
    func publish(_ message: OutgoingMessage, channel: UInt16) throws(SessionError) {
        let pool = CAllocationPool()
        var properties = pool.basicProperties(message.properties)
        let exchange = pool.bytes(message.exchange)
        let routingKey = pool.bytes(message.routingKey)
        let status = message.body.withUnsafeBytes { body in
            amqp_basic_publish(
                state, channel, exchange, routingKey, 1, 0, &properties,
                amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress))
            )
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw .connection(reason: "basic.publish: \(Self.describe(status: status))")
        }
    }

    // MARK: Consuming

    /// Limits unacknowledged deliveries per consumer on `channel` (`basic.qos`, not global).
    func qos(channel: UInt16, prefetch: UInt16) throws(SessionError) {
        amqp_basic_qos(state, channel, 0, prefetch, 0)
        try checkLastReply(channel: channel, operation: "basic.qos")
    }

    /// Subscribes `tag` to `queue` with manual acknowledgements (`basic.consume`).
    func consume(queue: String, tag: String, channel: UInt16) throws(SessionError) {
        let pool = CAllocationPool()
        amqp_basic_consume(state, channel, pool.bytes(queue), pool.bytes(tag), 0, 0, 0, amqp_table_t())
        try checkLastReply(channel: channel, operation: "basic.consume")
    }

    /// Stops the consumer `tag` (`basic.cancel`); deliveries sent before the cancel-ok are
    /// left queued in rabbitmq-c for the frame loop.
    func cancel(tag: String, channel: UInt16) throws(SessionError) {
        let pool = CAllocationPool()
        amqp_basic_cancel(state, channel, pool.bytes(tag))
        try checkLastReply(channel: channel, operation: "basic.cancel")
    }

    /// Acknowledges one delivery, or (`multiple`) every outstanding delivery of the channel up
    /// to and including `deliveryTag`.
    func ack(deliveryTag: UInt64, multiple: Bool = false, channel: UInt16) throws(SessionError) {
        let status = amqp_basic_ack(state, channel, deliveryTag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw .connection(reason: "basic.ack: \(Self.describe(status: status))")
        }
    }

    /// Rejects one delivery, requeueing it or dead-lettering it.
    func reject(deliveryTag: UInt64, requeue: Bool, channel: UInt16) throws(SessionError) {
        let status = amqp_basic_reject(state, channel, deliveryTag, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw .connection(reason: "basic.reject: \(Self.describe(status: status))")
        }
    }

    // MARK: Queues

    /// Declares a durable, non-exclusive, non-auto-delete queue (or checks that one exists,
    /// when `passive`), returning its counts.
    func declare(_ declaration: QueueDeclaration, passive: Bool, channel: UInt16) throws(SessionError) -> QueueState {
        let pool = CAllocationPool()
        let ok = amqp_queue_declare(
            state, channel, pool.bytes(declaration.name), passive ? 1 : 0, 1, 0, 0, pool.table(declaration.arguments)
        )
        try checkLastReply(channel: channel, operation: "queue.declare \(declaration.name)")
        guard let ok else { throw .connection(reason: "queue.declare \(declaration.name): empty reply") }
        return QueueState(
            name: CDecoding.string(ok.pointee.queue),
            messageCount: Int(ok.pointee.message_count),
            consumerCount: Int(ok.pointee.consumer_count)
        )
    }

    /// Removes every ready message from `queue`, returning how many there were.
    func purge(queue: String, channel: UInt16) throws(SessionError) -> Int {
        let pool = CAllocationPool()
        let ok = amqp_queue_purge(state, channel, pool.bytes(queue))
        try checkLastReply(channel: channel, operation: "queue.purge \(queue)")
        return Int(ok?.pointee.message_count ?? 0)
    }

    /// Deletes `queue` with its messages, even if it has consumers.
    func delete(queue: String, channel: UInt16) throws(SessionError) {
        let pool = CAllocationPool()
        amqp_queue_delete(state, channel, pool.bytes(queue), 0, 0)
        try checkLastReply(channel: channel, operation: "queue.delete \(queue)")
    }

    /// Fetches one message from `queue` (`basic.get`, manual acknowledgement), or nil if empty.
    func get(queue: String, channel: UInt16, serial: UInt64) throws(SessionError) -> Delivery? {
        let pool = CAllocationPool()
        let reply = amqp_basic_get(state, channel, pool.bytes(queue), 0)
        try check(reply, channel: channel, operation: "basic.get \(queue)")
        guard reply.reply.id == shop_amqp_basic_get_ok, let decoded = reply.reply.decoded else { return nil }
        let ok = decoded.load(as: amqp_basic_get_ok_t.self)
        let deliveryTag = ok.delivery_tag
        let redelivered = ok.redelivered != 0
        let exchange = CDecoding.string(ok.exchange)
        let routingKey = CDecoding.string(ok.routing_key)
        let content = try readContent(channel: channel)
        return Delivery(
            deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
            properties: content.properties, body: content.body,
            receipt: DeliveryReceipt(channel: channel, channelSerial: serial)
        )
    }
}
