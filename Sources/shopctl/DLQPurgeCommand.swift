import ArgumentParser
import Messaging

/// `shopctl dlq purge QUEUE [--id MESSAGE_ID]`: deletes dead-lettered messages for good.
struct DLQPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete the messages in QUEUE.dead (all, or those with one message id).",
        discussion: """
            Without --id, every ready message of QUEUE.dead is deleted (queue.purge); with --id, only the \
            messages with that id, the others staying in their order (exit 1 if none has it).
            """
    )

    @Argument(help: "A work queue of queues.yaml.")
    var queue: String

    @Option(name: .customLong("id"), help: "Delete only the message with this message id (every copy of it).")
    var messageID: String?

    @OptionGroup var limitCheck: LimitCheckOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require(messageID?.isEmpty != true, "--id must not be empty")
    }

    func run() async throws {
        let (queue, messageID, skipLimitCheck) = (self.queue, self.messageID, limitCheck.skipLimitCheck)
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let policy = try environment.queuesConfiguration().knownPolicy(queue)
            let deadLetterQueue = policy.deadLetterQueue
            if messageID != nil, !skipLimitCheck {
                try await environment.ensureReturnsAreSafe(to: deadLetterQueue, operation: "purge by id from \(deadLetterQueue)")
            }
            return try await environment.withAMQP(command: "dlq purge") { connection in
                let reader = DeadLetterQueueReader(connection: connection, queue: deadLetterQueue, logger: environment.logger)
                let total = try await reader.count()
                guard let messageID else {
                    return DLQPurgeReport(queue: policy.name, deadLetterQueue: deadLetterQueue, messageID: nil, purged: try await connection.purge(queue: deadLetterQueue))
                }
                let removed = try await reader.remove(amongFirst: total, where: { $0.properties.messageID == messageID }) { delivery in
                    try await connection.ack(delivery)
                }
                guard !removed.isEmpty else {
                    throw ShopctlError.failure("no message with id '\(messageID)' in \(deadLetterQueue) (\(total) message\(total == 1 ? "" : "s") looked at)")
                }
                return DLQPurgeReport(queue: policy.name, deadLetterQueue: deadLetterQueue, messageID: messageID, purged: removed.count)
            }
        }
    }
}

/// What `dlq purge` reports.
struct DLQPurgeReport: CommandReport {
    var queue: String
    var deadLetterQueue: String
    /// The id purged, or nil when the whole queue was.
    var messageID: String?
    var purged: Int

    var text: String {
        let what = "\(purged) message\(purged == 1 ? "" : "s")"
        if let messageID { return "purged \(what) with id \(messageID) from \(deadLetterQueue)" }
        return "purged \(what) from \(deadLetterQueue)"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(deadLetterQueue, forKey: .deadLetterQueue)
        try container.encode(messageID, forKey: .messageId)
        try container.encode(purged, forKey: .purged)
    }

    private enum CodingKeys: String, CodingKey {
        case queue, deadLetterQueue, messageId, purged
    }
}
