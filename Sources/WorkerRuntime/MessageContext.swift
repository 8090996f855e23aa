import Contracts
import Logging
import Messaging
import ServiceKit

/// What a handler knows about the message it handles, and how it sends follow-ups.
public struct MessageContext: Sendable {
    /// The message's id: stable across retries and redeliveries.
    public let messageID: String
    /// The order or request the message belongs to.
    public let correlationID: String?
    /// The AMQP `type`, e.g. `order.placed`.
    public let messageType: String?
    /// 1 on the first attempt, then 2, 3... (redeliveries after a crash keep the count).
    public let attempt: Int
    /// When the runtime gives up on this attempt and retries it.
    public let deadline: ContinuousClock.Instant
    /// The trace of the request that started this work, passed on to follow-ups.
    public let traceParent: TraceParent?
    /// A logger with the queue, message id, type, correlation id and attempt as metadata;
    /// handlers add their own (such as the order id).
    ///
    /// Made when first asked for (a message that is handled without logging costs no
    /// metadata), and kept once a handler changes it.
    public var logger: Logger {
        get { customLogger ?? makeLogger() }
        set { customLogger = newValue }
    }
    /// The worker's logger, which ``logger`` adds this message's metadata to.
    let workerLogger: Logger
    private var customLogger: Logger?
    let publisher: MessagePublisher

    init(
        messageID: String, correlationID: String?, messageType: String?, attempt: Int,
        deadline: ContinuousClock.Instant, traceParent: TraceParent?, logger: Logger, publisher: MessagePublisher
    ) {
        self.messageID = messageID
        self.correlationID = correlationID
        self.messageType = messageType
        self.attempt = attempt
        self.deadline = deadline
        self.traceParent = traceParent
        self.workerLogger = logger
        self.publisher = publisher
    }

    private func makeLogger() -> Logger {
        var logger = workerLogger
        logger[metadataKey: "message.id"] = .string(messageID)
        logger[metadataKey: "message.type"] = .string(messageType ?? "none")
        logger[metadataKey: "attempt"] = .stringConvertible(attempt)
        if let correlationID {
            logger[metadataKey: "correlation.id"] = .string(correlationID)
        }
        if let traceParent {
            logger[metadataKey: "trace.id"] = .string(traceParent.traceID)
        }
        return logger
    }

    /// Publishes follow-up messages, pipelined, and returns once the broker confirmed them
    /// all: the incoming message is acked only after its handler returned, so a follow-up is
    /// never lost. Each message's id defaults to `<type>:<correlation id>` (stable across
    /// retries, so consumers can de-duplicate); it carries this message's correlation id.
    public func publish(_ messages: [any QueueMessage]) async throws {
        let outgoing = try messages.map { message in
            try MessagePublisher.outgoing(
                message, messageID: followUpID(for: message), correlationID: correlationID, traceParent: traceParent?.child()
            )
        }
        try await publisher.publish(outgoing)
        for message in messages {
            logger.debug("published", metadata: ["published.type": "\(type(of: message).messageType)"])
        }
    }

    /// Publishes one follow-up message; see ``publish(_:)-([any QueueMessage])``.
    public func publish(_ message: some QueueMessage, messageID: String? = nil) async throws {
        try await publisher.publish(
            message, messageID: messageID ?? followUpID(for: message), correlationID: correlationID, traceParent: traceParent?.child()
        )
    }

    func followUpID(for message: some QueueMessage) -> String {
        "\(type(of: message).messageType):\(correlationID ?? messageID)"
    }
}

extension MessageContext {
    /// Publishes one follow-up for each of several incoming messages (a batch), all pipelined
    /// on one connection, and returns each one's outcome in order, so a batch handler can fail
    /// exactly the messages whose follow-up the broker did not confirm.
    public static func publish(_ followUps: [(context: MessageContext, message: any QueueMessage)]) async -> [Result<Void, any Error>] {
        guard let connection = followUps.first?.context.publisher.connection else { return [] }
        var outgoing: [OutgoingMessage] = []
        var encodingFailures: [Int: any Error] = [:]
        for (index, followUp) in followUps.enumerated() {
            do {
                outgoing.append(
                    try MessagePublisher.outgoing(
                        followUp.message,
                        messageID: followUp.context.followUpID(for: followUp.message),
                        correlationID: followUp.context.correlationID,
                        traceParent: followUp.context.traceParent?.child()
                    )
                )
            } catch {
                encodingFailures[index] = error
            }
        }
        var published = await connection.publishResults(outgoing).makeIterator()
        return followUps.indices.map { index in
            if let error = encodingFailures[index] {
                return .failure(error)
            }
            return published.next()?.mapError { $0 as any Error } ?? .failure(AMQPError.shutdown)
        }
    }
}
