import Logging

/// Graceful shutdown: stop deliveries, wait (bounded) for confirms, close cleanly.
extension ConnectionDriver {
    /// Cancels the consumers and starts waiting for outstanding confirms.
    func beginShutdown() {
        logger.info(
            "AMQP connection shutting down",
            metadata: ["amqp.pending_publishes": "\(publisher.count)", "amqp.consumers": "\(consumers.count)"]
        )
        phase = .draining(deadline: .now + configuration.shutdownTimeout)
        if session != nil {
            do {
                try cancelAllConsumers()
            } catch {
                connectionLost(reason: Self.reason(error))
            }
        }
        for record in consumers.values { record.subscription.sink.finish() }
        consumers.removeAll()
    }

    /// Closes channels and connection, fails what is left, ends every stream.
    func finish() {
        if let session {
            // Acks still held (the shutdown deadline passed first) go out before the channels
            // close; if the connection is gone, the broker redelivers those messages.
            try? sendPendingAcks()
            if publisher.count > 0 {
                logger.warning(
                    "AMQP shutdown timeout reached with unconfirmed publishes",
                    metadata: ["amqp.pending_publishes": "\(publisher.count)"]
                )
            }
            for channel in session.openChannels.keys.sorted() {
                do {
                    try session.closeChannel(channel)
                } catch .connection {
                    break
                } catch {
                    continue
                }
            }
            session.closeConnection()
            self.session = nil
        }
        status.markDisconnected()
        publisher.failAll(with: .connectionLost(reason: "the connection shut down before the broker confirmed the publish"))
        let leftovers = queued + mailbox.close()
        queued.removeAll()
        for command in leftovers { command.fail(.shutdown) }
        for record in consumers.values { record.subscription.sink.finish() }
        consumers.removeAll()
        logger.info("AMQP connection closed")
    }
}
