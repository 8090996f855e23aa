/// Publishing with publisher confirms.
extension AMQPConnection {
    /// Publishes one message and returns once the broker has confirmed it (`basic.ack`).
    /// - Throws: ``AMQPError/unroutable(routingKey:reason:)`` when no queue accepts it,
    ///   ``AMQPError/nacked(messageID:)``, ``AMQPError/connectionLost(reason:)`` (it may or may
    ///   not have been enqueued: retry, relying on idempotent consumers),
    ///   ``AMQPError/channelClosed(code:text:)`` (e.g. a missing exchange),
    ///   ``AMQPError/timeout(operation:)`` when no connection came in time, ``AMQPError/shutdown``.
    ///
    /// Cancelling the calling task does not withdraw a publish: the call still returns the
    /// broker's verdict (confirms take milliseconds).
    public func publish(_ message: OutgoingMessage) async throws {
        try await publish([message])
    }

    /// Publishes `messages` pipelined (all sent before any confirm is awaited) and returns once
    /// the broker has confirmed every one.
    /// - Throws: the first failure in `messages` order (see ``publish(_:)-(OutgoingMessage)``);
    ///   the other messages may have been enqueued. ``publishResults(_:)`` tells them apart.
    public func publish(_ messages: [OutgoingMessage]) async throws {
        for result in await publishResults(messages) {
            try result.get()
        }
    }

    /// Publishes `messages` pipelined and returns each one's outcome, in order.
    public func publishResults(_ messages: [OutgoingMessage]) async -> [Result<Void, AMQPError>] {
        guard !messages.isEmpty else { return [] }
        let deadline = commandDeadline()
        return await withCheckedContinuation { continuation in
            let command = ConnectionCommand.publish(messages, deadline: deadline, continuation)
            if !mailbox.submit(command) { command.fail(.shutdown) }
        }
    }
}
