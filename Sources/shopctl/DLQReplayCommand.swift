import ArgumentParser
import Foundation
import Messaging

/// `shopctl dlq replay QUEUE (--id MESSAGE_ID | --all)`: moves dead-lettered messages back to
/// the work queue as first attempts.
struct DLQReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Move dead-lettered messages from QUEUE.dead back to QUEUE as first attempts.",
        discussion: """
            Each message keeps its body, message id, type, correlation id, timestamp and other headers; \
            its attempt counter (x-attempt) is reset to 1, the failure headers (x-failure-reason, x-failures, x-failed-at, \
            x-failed-by, x-original-queue, and the broker's x-death) are removed, and x-replayed-at is added.

            Nothing is lost or duplicated by an interruption, except in one window: each copy is published \
            persistent and confirmed by the broker before the dead message is acknowledged, so a crash or a \
            lost connection between the two leaves the message in both queues. It is then handled once more \
            than needed, which is harmless: every handler is idempotent. Messages not replayed stay in \
            QUEUE.dead in their order.

            --all replays the messages that were in QUEUE.dead when the command started (not those that \
            fail again meanwhile). Exit 1 when nothing was replayed: --id matched no message, or the queue is empty.
            """
    )

    @Argument(help: "A work queue of queues.yaml.")
    var queue: String

    @Option(name: .customLong("id"), help: "Replay the message with this message id (every copy of it).")
    var messageID: String?

    @Flag(help: "Replay every message.")
    var all = false

    @OptionGroup var limitCheck: LimitCheckOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require(all != (messageID != nil), "give either --id MESSAGE_ID or --all")
        try output.require(messageID?.isEmpty != true, "--id must not be empty")
    }

    func run() async throws {
        let (queue, messageID, skipLimitCheck) = (self.queue, self.messageID, limitCheck.skipLimitCheck)
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let policy = try environment.queuesConfiguration().knownPolicy(queue)
            if !skipLimitCheck {
                try await environment.ensureReturnsAreSafe(
                    to: policy.deadLetterQueue, operation: "replay from \(policy.deadLetterQueue)"
                )
            }
            return try await environment.withAMQP(command: "dlq replay") { connection in
                let replayer = DeadLetterReplayer(
                    reader: DeadLetterQueueReader(connection: connection, queue: policy.deadLetterQueue, logger: environment.logger),
                    workQueue: policy.name
                )
                let replayed: [String?]
                if let messageID {
                    replayed = try await replayer.replay(messageID: messageID)
                } else {
                    replayed = try await replayer.replayAll()
                }
                return DLQReplayReport(queue: policy.name, deadLetterQueue: policy.deadLetterQueue, messageIds: replayed)
            }
        }
    }
}

/// What `dlq replay` reports.
struct DLQReplayReport: CommandReport {
    var queue: String
    var deadLetterQueue: String
    /// The ids of the messages replayed, in the order they were published to the work queue.
    var messageIds: [String?]

    var text: String {
        let count = messageIds.count
        let ids = messageIds.map { $0 ?? "(no message id)" }
        let listed = ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? ", …" : "")
        return "replayed \(count) message\(count == 1 ? "" : "s") from \(deadLetterQueue) to \(queue): \(listed)"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(deadLetterQueue, forKey: .deadLetterQueue)
        try container.encode(messageIds.count, forKey: .replayed)
        try container.encode(messageIds, forKey: .messageIds)
    }

    private enum CodingKeys: String, CodingKey {
        case queue, deadLetterQueue, replayed, messageIds
    }
}
