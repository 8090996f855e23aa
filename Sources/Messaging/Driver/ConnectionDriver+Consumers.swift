import Logging

/// A consumer as the driver tracks it across channels and connections.
struct ConsumerRecord {
    enum State {
        /// Not subscribed; (re)subscribe at `retryAt`.
        case waiting(retryAt: ContinuousClock.Instant)
        /// `basic.consume` succeeded on `channel`.
        case active
        /// `basic.cancel` sent during shutdown: its stream ends once the deliveries sent
        /// before the cancel-ok have been yielded.
        case cancelling
    }

    let subscription: ConsumerSubscription
    var state: State
    /// Its own channel (so a failing consume cannot close anyone else's); nil when none is open.
    var channel: UInt16?
    /// Failed subscription attempts in a row, for the retry delay.
    var failures = 0

    /// The consumer tag; unique per channel, and each consumer has its own channel.
    var tag: String { "shop-consumer-\(subscription.id)" }
}

/// Subscribing, re-subscribing and cancelling consumers.
extension ConnectionDriver {
    /// Records a new consumer, to be subscribed now or at the next connect.
    func register(_ subscription: ConsumerSubscription) {
        guard case .running = phase else {
            subscription.sink.finish()
            return
        }
        consumers[subscription.id] = ConsumerRecord(subscription: subscription, state: .waiting(retryAt: .now))
    }

    /// Opens the consumer's channel if needed, sets its prefetch and starts `basic.consume`.
    /// A broker refusal (e.g. 404, no such queue) schedules a retry with backoff.
    func subscribe(consumerID id: UInt64) throws(SessionError) {
        guard let session, var record = consumers[id], case .waiting = record.state else { return }
        let queue = record.subscription.queue
        let channel: UInt16
        if let existing = record.channel, session.serial(of: existing) != nil {
            channel = existing
        } else {
            guard let free = session.freeChannel(from: Self.firstConsumerChannel) else {
                logger.error("AMQP no free channel for a consumer", metadata: ["amqp.queue": "\(queue)"])
                scheduleRetry(&record)
                consumers[id] = record
                return
            }
            channel = free
        }
        do {
            if session.serial(of: channel) == nil {
                try session.openChannel(channel, serial: nextChannelSerial())
            }
            record.channel = channel
            consumerIDByChannel[channel] = id
            try session.qos(channel: channel, prefetch: record.subscription.prefetch)
            try session.consume(queue: queue, tag: record.tag, channel: channel)
            record.state = .active
            record.failures = 0
            logger.info(
                "AMQP consumer subscribed",
                metadata: ["amqp.queue": "\(queue)", "amqp.channel": "\(channel)", "amqp.prefetch": "\(record.subscription.prefetch)"]
            )
        } catch .channel(_, let code, let text) {
            consumerIDByChannel[channel] = nil
            record.channel = nil
            scheduleRetry(&record)
            logger.error(
                "AMQP cannot consume; retrying",
                metadata: ["amqp.queue": "\(queue)", "amqp.code": "\(code)", "amqp.reason": "\(text)", "amqp.attempt": "\(record.failures)"]
            )
        }
        consumers[id] = record
    }

    /// Subscribes the consumers whose retry time has come.
    func retryDueConsumers() throws(SessionError) {
        guard case .running = phase, !consumers.isEmpty else { return }
        let now = ContinuousClock.now
        for id in consumers.keys.sorted() {
            if case .waiting(let retryAt) = consumers[id]?.state, retryAt <= now {
                try subscribe(consumerID: id)
            }
        }
    }

    /// The broker cancelled the consumer (e.g. its queue was deleted): subscribe again later
    /// on the same channel, where its unacknowledged deliveries can still be settled.
    func consumerCancelledByBroker(channel: UInt16, consumerTag: String) {
        guard let id = consumerIDByChannel[channel], var record = consumers[id] else { return }
        scheduleRetry(&record)
        consumers[id] = record
        logger.warning(
            "AMQP broker cancelled a consumer; resubscribing",
            metadata: ["amqp.queue": "\(record.subscription.queue)", "amqp.consumer_tag": "\(consumerTag)"]
        )
    }

    /// The broker closed the consumer's channel: subscribe again on a new one.
    func consumerLostChannel(consumerID id: UInt64) {
        guard var record = consumers[id] else { return }
        record.channel = nil
        if case .cancelling = record.state {
            record.subscription.sink.finish()
            consumers[id] = nil
            return
        }
        scheduleRetry(&record)
        consumers[id] = record
    }

    /// The caller stopped consuming: cancel, close the channel (its unacknowledged
    /// deliveries go back to the queue) and end the stream.
    func unsubscribe(consumerID id: UInt64) throws(SessionError) {
        guard let record = consumers.removeValue(forKey: id) else { return }
        defer { record.subscription.sink.finish() }
        guard let session, let channel = record.channel, session.serial(of: channel) != nil else { return }
        consumerIDByChannel[channel] = nil
        do {
            if case .active = record.state {
                try session.cancel(tag: record.tag, channel: channel)
            }
            try session.closeChannel(channel)
        } catch .channel {
            // The channel is gone either way.
        }
    }

    /// Graceful shutdown, step 1: `basic.cancel` every consumer, yield the deliveries the
    /// broker sent before each cancel-ok, then end the streams. The channels stay open so
    /// in-flight deliveries can still be acknowledged until the connection closes.
    func cancelAllConsumers() throws(SessionError) {
        guard !consumers.isEmpty else { return }
        for id in consumers.keys.sorted() {
            if case .active = consumers[id]?.state {
                consumers[id]?.state = .cancelling
                if let session, let record = consumers[id], let channel = record.channel {
                    do {
                        try session.cancel(tag: record.tag, channel: channel)
                    } catch .channel {
                        consumerLostChannel(consumerID: id)
                    }
                }
            } else {
                consumers[id]?.state = .cancelling
            }
        }
        try readAvailableFrames(budget: Int.max)
        for record in consumers.values {
            record.subscription.sink.finish()
            if let channel = record.channel { consumerIDByChannel[channel] = nil }
        }
        logger.info("AMQP consumers cancelled", metadata: ["amqp.consumers": "\(consumers.count)"])
        consumers.removeAll()
    }

    private func scheduleRetry(_ record: inout ConsumerRecord) {
        record.failures += 1
        record.state = .waiting(retryAt: .now + backoff.delay(attempt: record.failures))
    }
}
