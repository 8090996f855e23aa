import ArgumentParser
import Messaging

/// `shopctl dlq list QUEUE [--limit N]`: the messages in `QUEUE.dead`, oldest first, left
/// where they are.
struct DLQListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the messages in QUEUE.dead, oldest first, without removing or reordering them.",
        discussion: """
            For each message: id, type, correlation id, attempts, failure reason, when (each failed attempt) and by which worker \
            it failed, and its body (cut to --body-width characters in text; whole in --json). To leave the \
            order as it was, a listing takes every message of QUEUE.dead and returns them all in order, even \
            with --limit; each listing adds one to every message's x-delivery-count, shown as deliveryCount.
            """
    )

    @Argument(help: "A work queue of queues.yaml.")
    var queue: String

    @Option(help: "Show at most this many messages (1 to 10000).")
    var limit = 50

    @Option(help: "Characters of each body shown in text mode.")
    var bodyWidth = 160

    @OptionGroup var limitCheck: LimitCheckOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require((1...10_000).contains(limit), "--limit must be from 1 to 10000, got \(limit)")
        try output.require(bodyWidth >= 10, "--body-width must be at least 10, got \(bodyWidth)")
    }

    func run() async throws {
        let (queue, limit, bodyWidth, skipLimitCheck) = (self.queue, self.limit, self.bodyWidth, limitCheck.skipLimitCheck)
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let policy = try environment.queuesConfiguration().knownPolicy(queue)
            if !skipLimitCheck {
                try await environment.ensureReturnsAreSafe(to: policy.deadLetterQueue, operation: "list \(policy.deadLetterQueue)")
            }
            return try await environment.withAMQP(command: "dlq list") { connection in
                let reader = DeadLetterQueueReader(connection: connection, queue: policy.deadLetterQueue, logger: environment.logger)
                _ = try await reader.count()  // fails clearly if the queue does not exist
                // The whole queue, returned in order: the only way to leave its order as it was.
                let deliveries = try await reader.take()
                await reader.putBack(deliveries)
                return DLQListReport(
                    queue: policy.name, deadLetterQueue: policy.deadLetterQueue, total: deliveries.count,
                    messages: deliveries.prefix(limit).enumerated().map { DeadLetteredMessage($1, position: $0 + 1) },
                    bodyWidth: bodyWidth
                )
            }
        }
    }
}

/// What `dlq list` reports.
struct DLQListReport: CommandReport {
    var queue: String
    var deadLetterQueue: String
    /// Messages in the dead-letter queue.
    var total: Int
    /// The first ones, oldest first.
    var messages: [DeadLetteredMessage]
    var bodyWidth: Int

    var text: String {
        guard !messages.isEmpty else { return "\(deadLetterQueue): no dead-lettered messages" }
        let heading = "\(deadLetterQueue): \(total) message\(total == 1 ? "" : "s")"
            + (messages.count < total ? ", showing the oldest \(messages.count)" : "")
        return ([heading, ""] + messages.map { $0.text(bodyWidth: bodyWidth) }).joined(separator: "\n")
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(deadLetterQueue, forKey: .deadLetterQueue)
        try container.encode(total, forKey: .total)
        try container.encode(messages.count, forKey: .shown)
        try container.encode(messages, forKey: .messages)
    }

    private enum CodingKeys: String, CodingKey {
        case queue, deadLetterQueue, total, shown, messages
    }
}
