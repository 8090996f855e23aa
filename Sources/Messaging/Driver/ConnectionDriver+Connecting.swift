import Foundation
import Logging

/// Connecting, reconnecting, and what happens to work while there is no connection.
extension ConnectionDriver {
    /// One connect attempt; on failure, waits out the backoff delay (still serving commands
    /// that need no broker, expiring those that waited too long, and waking for shutdown).
    func connectOrWait() {
        serveQueuedWhileDisconnected()
        if mailbox.isShutdownRequested { return }
        do throws(AMQPError) {
            let session = try AMQPSession(configuration: configuration)
            self.session = session
            do {
                try setUp(session)
            } catch {
                self.session = nil
                throw AMQPError.connectionFailed(
                    host: configuration.host, port: configuration.port, reason: Self.reason(error)
                )
            }
            reconnectAttempt = 0
            status.markConnected()
            logger.info(
                "AMQP connection established",
                metadata: [
                    "amqp.heartbeat_seconds": "\(session.heartbeatSeconds)",
                    "amqp.consumers": "\(consumers.count)",
                    "amqp.declarations": "\(declarations.count)",
                ]
            )
        } catch {
            reconnectAttempt += 1
            let delay = backoff.delay(attempt: reconnectAttempt)
            logger.warning(
                "AMQP connection attempt failed",
                metadata: [
                    "error": "\(error)",
                    "amqp.attempt": "\(reconnectAttempt)",
                    "amqp.retry_in_ms": "\(Int(ReconnectBackoff.seconds(delay) * 1000))",
                ]
            )
            waitWhileDisconnected(for: delay)
        }
    }

    /// Channels, confirm mode, declarations and consumers on a fresh connection.
    private func setUp(_ session: AMQPSession) throws(SessionError) {
        do {
            try session.openChannel(Self.publishingChannel, serial: nextChannelSerial())
            try session.confirmSelect(channel: Self.publishingChannel)
        } catch .channel(_, let code, let text) {
            throw .connection(reason: "cannot open the publishing channel: \(code) \(text)")
        }
        for declaration in declarations {
            do {
                _ = try session.declare(declaration, passive: false, channel: try channel(Self.managementChannel))
            } catch .channel(_, let code, let text) {
                logger.error(
                    "AMQP queue re-declaration failed",
                    metadata: ["amqp.queue": "\(declaration.name)", "amqp.code": "\(code)", "amqp.reason": "\(text)"]
                )
            }
        }
        for id in consumers.keys.sorted() {
            try subscribe(consumerID: id)
        }
    }

    /// Opens `number` (management or get channel) if the broker closed it or it is new.
    func channel(_ number: UInt16) throws(SessionError) -> UInt16 {
        guard let session else { throw .connection(reason: "not connected") }
        if session.serial(of: number) == nil {
            try session.openChannel(number, serial: nextChannelSerial())
        }
        return number
    }

    /// Tears the connection down after a failure and prepares everything for the reconnect.
    func connectionLost(reason: String) {
        session = nil
        status.markDisconnected()
        // Stale with their channels: the broker redelivers those messages.
        pendingAcks.removeAll()
        ackCoalescers.removeAll()
        let failedPublishes = publisher.failAll(with: .connectionLost(reason: reason))
        consumerIDByChannel.removeAll()
        let now = ContinuousClock.now
        for (id, record) in consumers {
            if case .cancelling = record.state {
                record.subscription.sink.finish()
                consumers[id] = nil
            } else {
                consumers[id]?.channel = nil
                consumers[id]?.state = .waiting(retryAt: now)
            }
        }
        logger.warning(
            "AMQP connection lost; reconnecting",
            metadata: [
                "error": "\(reason)",
                "amqp.failed_publishes": "\(failedPublishes)",
                "amqp.consumers": "\(consumers.count)",
            ]
        )
    }

    /// Sleeps `delay` on the eventfd, serving commands as they arrive; returns early on shutdown.
    private func waitWhileDisconnected(for delay: Duration) {
        let end = ContinuousClock.now + delay
        while !mailbox.isShutdownRequested {
            let now = ContinuousClock.now
            guard now < end else { return }
            var timeout = end - now
            if let nextDeadline = queued.compactMap(\.deadline).min() {
                timeout = min(timeout, max(.zero, nextDeadline - now))
            }
            waitForInput(socket: nil, timeout: timeout)
            serveQueuedWhileDisconnected()
        }
    }

    /// Runs what needs no broker and expires what waited too long for one.
    func serveQueuedWhileDisconnected() {
        queued.append(contentsOf: mailbox.takeAll())
        guard !queued.isEmpty else { return }
        let now = ContinuousClock.now
        var stillWaiting: [ConnectionCommand] = []
        for command in queued {
            switch command {
            case .settle(_, _, _, let continuation):
                // The broker requeued the delivery when the connection died: nothing to settle.
                continuation?.resume()
            case .subscribe(let subscription):
                register(subscription)
            case .unsubscribe(let id):
                consumers.removeValue(forKey: id)?.subscription.sink.finish()
            case .cancelConsumers(let continuation):
                for record in consumers.values { record.subscription.sink.finish() }
                consumers.removeAll()
                continuation.resume()
            default:
                if let deadline = command.deadline, deadline <= now {
                    command.fail(.timeout(
                        operation: "\(command.operation): no connection to RabbitMQ at \(configuration.host):\(configuration.port) "
                            + "within \(configuration.connectionWaitTimeout)"
                    ))
                } else {
                    stillWaiting.append(command)
                }
            }
        }
        queued = stillWaiting
    }
}
