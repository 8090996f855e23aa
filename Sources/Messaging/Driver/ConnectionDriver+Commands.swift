import Logging

/// Running callers' commands on the live connection.
extension ConnectionDriver {
    /// Runs `command`, completing its continuation. A broker-closed channel fails only this
    /// command; a dead connection fails it with ``AMQPError/connectionLost(reason:)`` and is
    /// rethrown so the loop reconnects.
    func execute(_ command: ConnectionCommand) throws(SessionError) {
        guard let session else {
            queued.insert(command, at: 0)
            return
        }
        if case .settle(let receipt, let deliveryTag, .ack, nil) = command {
            // Sent with others once due (see ``sendDueAcks()``).
            holdAck(receipt, deliveryTag: deliveryTag)
            return
        }
        // Everything else keeps its order after the acks before it.
        try sendPendingAcks()
        switch command {
        case .publish(let messages, _, let continuation):
            try publish(messages, batch: PublishBatch(count: messages.count, continuation: continuation), on: session)

        case .declare(let list, _, let continuation):
            try complete(continuation) { () throws(SessionError) in
                for declaration in list {
                    _ = try session.declare(declaration, passive: false, channel: try channel(Self.managementChannel))
                    register(declaration)
                }
            }

        case .queueState(let name, _, let continuation):
            try complete(continuation) { () throws(SessionError) -> QueueState? in
                do throws(SessionError) {
                    let declaration = QueueDeclaration(name: name)
                    return try session.declare(declaration, passive: true, channel: try channel(Self.managementChannel))
                } catch .channel(_, 404, _) {
                    return nil
                }
            }

        case .purge(let name, _, let continuation):
            try complete(continuation) { () throws(SessionError) in
                try session.purge(queue: name, channel: try channel(Self.managementChannel))
            }

        case .deleteQueue(let name, _, let continuation):
            try complete(continuation) { () throws(SessionError) in
                try session.delete(queue: name, channel: try channel(Self.managementChannel))
                declarations.removeAll { $0.name == name }
            }

        case .get(let name, _, let continuation):
            try complete(continuation) { () throws(SessionError) -> Delivery? in
                let number = try channel(Self.getChannel)
                return try session.get(queue: name, channel: number, serial: session.serial(of: number) ?? 0)
            }

        case .settle(let receipt, let deliveryTag, let settlement, let continuation):
            do {
                try settle(receipt, deliveryTag: deliveryTag, settlement, on: session)
                continuation?.resume()
            } catch {
                // The connection is gone, and with it the delivery: the broker redelivers it.
                continuation?.resume(throwing: error.amqpError)
                throw error
            }

        case .subscribe(let subscription):
            register(subscription)
            try subscribe(consumerID: subscription.id)

        case .unsubscribe(let id):
            try unsubscribe(consumerID: id)

        case .cancelConsumers(let continuation):
            try cancelAllConsumers()
            continuation.resume()
        }
    }

    /// Remembers `declaration` for re-running after reconnects (the latest arguments win).
    func register(_ declaration: QueueDeclaration) {
        if let index = declarations.firstIndex(where: { $0.name == declaration.name }) {
            declarations[index] = declaration
        } else {
            declarations.append(declaration)
        }
    }

    private func publish(_ messages: [OutgoingMessage], batch: PublishBatch, on session: AMQPSession) throws(SessionError) {
        guard session.serial(of: Self.publishingChannel) != nil else {
            // The broker closed the publishing channel and reopening failed: refuse, don't guess.
            batch.failUnsettled(from: 0, with: .channelClosed(code: 0, text: "the publishing channel is not open"))
            return
        }
        for (index, message) in messages.enumerated() {
            do {
                try session.publish(message, channel: Self.publishingChannel)
            } catch {
                batch.failUnsettled(from: index, with: error.amqpError)
                throw error
            }
            publisher.sent(message, batch: batch, index: index)
        }
    }

    private func settle(
        _ receipt: DeliveryReceipt, deliveryTag: UInt64, _ settlement: Settlement, on session: AMQPSession
    ) throws(SessionError) {
        guard receipt.channelSerial != 0, session.serial(of: receipt.channel) == receipt.channelSerial else {
            logger.debug(
                "AMQP settle of a stale delivery ignored; the broker redelivers it",
                metadata: ["amqp.delivery_tag": "\(deliveryTag)", "amqp.channel": "\(receipt.channel)"]
            )
            return
        }
        switch settlement {
        case .ack:
            try session.ack(deliveryTag: deliveryTag, channel: receipt.channel)
        case .reject(let requeue):
            try session.reject(deliveryTag: deliveryTag, requeue: requeue, channel: receipt.channel)
        }
        settledIndividually(deliveryTag, channel: receipt.channel, serial: receipt.channelSerial)
    }

    /// Resumes `continuation` with `body`'s value or error; rethrows a dead connection.
    private func complete<Value>(
        _ continuation: CheckedContinuation<Value, any Error>, _ body: () throws(SessionError) -> Value
    ) throws(SessionError) {
        do {
            continuation.resume(returning: try body())
        } catch {
            continuation.resume(throwing: error.amqpError)
            if case .connection = error { throw error }
        }
    }
}
