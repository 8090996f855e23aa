/// Consuming and settling deliveries.
extension AMQPConnection {
    /// Subscribes to `queue` with manual acknowledgements, at most `prefetch` unacknowledged
    /// deliveries at a time (0: unlimited).
    ///
    /// The stream survives reconnects: the consumer is re-subscribed and deliveries carry on.
    /// If the broker refuses the subscription (no such queue) or cancels it (queue deleted),
    /// it is retried with backoff. The stream ends after ``cancelConsumers()`` or shutdown;
    /// when the caller stops iterating, the consumer is cancelled and its unacknowledged
    /// deliveries go back to the queue.
    public func consume(queue: String, prefetch: UInt16) -> AsyncStream<Delivery> {
        let id = nextConsumerID()
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self, bufferingPolicy: .unbounded)
        continuation.onTermination = { [mailbox] termination in
            if case .cancelled = termination {
                _ = mailbox.submit(.unsubscribe(consumerID: id))
            }
        }
        let subscription = ConsumerSubscription(id: id, queue: queue, prefetch: prefetch, sink: .stream(continuation))
        if !mailbox.submit(.subscribe(subscription)) {
            continuation.finish()
        }
        return stream
    }

    /// Subscribes to `queue` like ``consume(queue:prefetch:)``, but hands the deliveries over
    /// through a ``DeliveryInbox``, from which several tasks can take them directly: the hot
    /// path of a worker, without a task in between that reads a stream and passes each
    /// delivery on. The inbox finishes after ``cancelConsumers()`` or shutdown;
    /// ``DeliveryInbox/cancel()`` cancels the consumer, and its unacknowledged deliveries go
    /// back to the queue.
    public func subscribe(queue: String, prefetch: UInt16) -> DeliveryInbox {
        let id = nextConsumerID()
        let inbox = DeliveryInbox { [mailbox] in
            _ = mailbox.submit(.unsubscribe(consumerID: id))
        }
        let subscription = ConsumerSubscription(id: id, queue: queue, prefetch: prefetch, sink: .inbox(inbox))
        if !mailbox.submit(.subscribe(subscription)) {
            inbox.finish()
        }
        return inbox
    }

    /// Stops every consumer (graceful shutdown, step 1): `basic.cancel` on each, then their
    /// streams end after the deliveries already sent. Those deliveries can still be settled
    /// until the connection closes.
    public func cancelConsumers() async {
        await withCheckedContinuation { continuation in
            let command = ConnectionCommand.cancelConsumers(continuation)
            if !mailbox.submit(command) { command.fail(.shutdown) }
        }
    }

    /// Acknowledges `delivery`: the broker forgets the message. A no-op for a stale delivery
    /// (its channel or connection is gone, so the broker redelivers it anyway).
    /// - Throws: ``AMQPError/connectionLost(reason:)`` if sending the ack failed.
    public func ack(_ delivery: Delivery) async throws {
        try await settle(delivery, .ack)
    }

    /// Rejects `delivery`: requeued, or (with `requeue: false`) dead-lettered by a queue
    /// that has a dead-letter exchange, else dropped. A no-op for a stale delivery.
    /// - Throws: ``AMQPError/connectionLost(reason:)`` if sending the reject failed.
    public func reject(_ delivery: Delivery, requeue: Bool) async throws {
        try await settle(delivery, .reject(requeue: requeue))
    }

    /// Acknowledges `delivery` without waiting for the connection's thread to send the ack:
    /// it goes out in order after everything submitted before it, and before the connection
    /// closes gracefully; it may be held for up to ``AMQPConfiguration/ackHoldTime`` to go
    /// out with later acks as one. The hot path of a consumer: it saves a round trip between
    /// threads per message. If the connection dies first, the broker redelivers the message,
    /// exactly as if a sent ack had been lost with it (at-least-once either way).
    public func ackWithoutWaiting(_ delivery: Delivery) {
        guard delivery.receipt.channelSerial != 0 else { return }
        _ = mailbox.submit(.settle(delivery.receipt, deliveryTag: delivery.deliveryTag, .ack, nil), mayWait: true)
    }

    private func settle(_ delivery: Delivery, _ settlement: Settlement) async throws {
        guard delivery.receipt.channelSerial != 0 else { return }
        let _: Void = try await perform { continuation in
            .settle(delivery.receipt, deliveryTag: delivery.deliveryTag, settlement, continuation)
        }
    }
}
