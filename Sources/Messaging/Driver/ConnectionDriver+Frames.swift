import Logging

/// Reacting to what the broker sends on its own: confirms, returns, deliveries, closes.
extension ConnectionDriver {
    /// Handles every frame that can be read without waiting, up to `budget` methods.
    func readAvailableFrames(budget: Int) throws(SessionError) {
        guard let session else { return }
        var handled = 0
        while handled < budget, let method = try session.nextMethod() {
            try handle(method, on: session)
            handled += 1
        }
    }

    func handle(_ method: IncomingMethod, on session: AMQPSession) throws(SessionError) {
        switch method {
        case .ack(let channel, let deliveryTag, let multiple) where channel == Self.publishingChannel:
            publisher.acknowledged(upTo: deliveryTag, multiple: multiple)

        case .nack(let channel, let deliveryTag, let multiple) where channel == Self.publishingChannel:
            publisher.refused(upTo: deliveryTag, multiple: multiple)
            logger.warning("AMQP broker refused published message(s)", metadata: ["amqp.sequence": "\(deliveryTag)"])

        case .returned(let channel, let replyCode, let replyText, let exchange, let routingKey):
            let content = try session.readContent(channel: channel)
            let matched = channel == Self.publishingChannel && publisher.returned(
                exchange: exchange, routingKey: routingKey, messageID: content.properties.messageID,
                reason: "\(replyCode) \(replyText)"
            )
            if !matched {
                logger.warning(
                    "AMQP returned message matches no pending publish",
                    metadata: ["amqp.routing_key": "\(routingKey)", "amqp.reason": "\(replyCode) \(replyText)"]
                )
            }

        case .deliver(let channel, _, let deliveryTag, let redelivered, let exchange, let routingKey):
            let content = try session.readContent(channel: channel)
            try deliver(
                channel: channel, deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange,
                routingKey: routingKey, content: content, on: session
            )

        case .cancelled(let channel, let consumerTag):
            consumerCancelledByBroker(channel: channel, consumerTag: consumerTag)

        case .channelClosed(let channel, let code, let text):
            try channelClosedByBroker(channel, code: code, text: text, on: session)

        case .blocked(let reason):
            logger.warning("AMQP broker blocked publishing", metadata: ["amqp.reason": "\(reason)"])

        case .unblocked:
            logger.info("AMQP broker unblocked publishing")

        case .ack(let channel, _, _), .nack(let channel, _, _):
            logger.debug("AMQP confirm on a non-publishing channel ignored", metadata: ["amqp.channel": "\(channel)"])

        case .other(let channel, let name):
            logger.debug("AMQP method ignored", metadata: ["amqp.method": "\(name)", "amqp.channel": "\(channel)"])
        }
    }

    private func deliver(
        channel: UInt16, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String,
        content: MessageContent, on session: AMQPSession
    ) throws(SessionError) {
        guard let serial = session.serial(of: channel) else { return }
        if let id = consumerIDByChannel[channel], let record = consumers[id] {
            let delivery = Delivery(
                deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
                properties: content.properties, body: content.body,
                receipt: DeliveryReceipt(channel: channel, channelSerial: serial)
            )
            if !record.subscription.sink.deliver(delivery) {
                try session.reject(deliveryTag: deliveryTag, requeue: true, channel: channel)
                settledIndividually(deliveryTag, channel: channel, serial: serial)
            }
        } else {
            // Its consumer is gone: give the message back for someone else.
            try session.reject(deliveryTag: deliveryTag, requeue: true, channel: channel)
            settledIndividually(deliveryTag, channel: channel, serial: serial)
        }
    }

    private func channelClosedByBroker(_ channel: UInt16, code: Int, text: String, on session: AMQPSession) throws(SessionError) {
        logger.warning(
            "AMQP broker closed a channel",
            metadata: ["amqp.channel": "\(channel)", "amqp.code": "\(code)", "amqp.reason": "\(text)"]
        )
        if channel == Self.publishingChannel {
            let failed = publisher.failAll(with: .channelClosed(code: code, text: text))
            logger.warning("AMQP publishes failed with their channel", metadata: ["amqp.failed_publishes": "\(failed)"])
            do {
                try session.openChannel(Self.publishingChannel, serial: nextChannelSerial())
                try session.confirmSelect(channel: Self.publishingChannel)
            } catch .channel(_, let code, let text) {
                throw .connection(reason: "cannot reopen the publishing channel: \(code) \(text)")
            }
        } else if let id = consumerIDByChannel.removeValue(forKey: channel) {
            consumerLostChannel(consumerID: id)
        }
    }
}
