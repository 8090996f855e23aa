import ArgumentParser
import Foundation
import Messaging
import NIOPosix

/// `shopctl publish QUEUE JSON`: publishes one message by hand (to replay an event), after
/// checking that the queue's worker can decode it.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a message to a work queue by hand, checked against the queue's message contract.",
        discussion: """
            The body must be a message the queue's worker can decode (the Contracts types): otherwise the \
            command refuses it, naming the field at fault, and exits 64 without publishing. The message is \
            published persistent with content type application/json, a timestamp, and the given or a new \
            message id (printed); its correlation id defaults to the message's order id. The command returns \
            once the broker confirmed the message.

            JSON is the body itself, @FILE to read it from a file, or - to read it from standard input.
            """
    )

    @Argument(help: "A work queue of queues.yaml.")
    var queue: String

    @Argument(help: "The message body: JSON, @FILE or - (standard input).")
    var json: String

    @Option(help: "The message type (AMQP type), e.g. order.placed; needed when the queue carries several.")
    var type: String?

    @Option(name: .customLong("id"), help: "The message id (default: a new UUID). Reuse the original id to replay an event.")
    var messageID: String?

    @Option(name: .customLong("correlation-id"), help: "The correlation id (default: the message's order id, if it has one).")
    var correlationID: String?

    @Option(help: ArgumentHelp(
        "Check the body against this queue's contract instead of QUEUE's (for a queue with another name).",
        valueName: "CONTRACT_QUEUE"
    ))
    var contract: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require(messageID?.isEmpty != true, "--id must not be empty")
        try output.require(correlationID?.isEmpty != true, "--correlation-id must not be empty")
        try output.require(type?.isEmpty != true, "--type must not be empty")
    }

    func run() async throws {
        let command = self
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let policy = try environment.queuesConfiguration().knownPolicy(command.queue)
            let contractName = command.contract ?? policy.name
            guard let contract = MessageContract.named(contractName) else {
                let known = MessageContract.names.joined(separator: ", ")
                throw ShopctlError.usage(
                    command.contract == nil
                        ? "queue \(policy.name) has no message contract (contracts: \(known)); pass --contract to check the body as one of them"
                        : "unknown contract '\(contractName)': contracts are \(known)"
                )
            }
            let body = try await Self.readBody(command.json)
            let validated = try contract.validate(body: body, type: command.type)
            let message = OutgoingMessage(
                routingKey: policy.name, body: body,
                properties: MessageProperties(
                    messageID: command.messageID ?? UUID().uuidString.lowercased(),
                    correlationID: command.correlationID ?? validated.orderID?.uuidString.lowercased(),
                    type: validated.type,
                    timestamp: Date()
                )
            )
            try await environment.withAMQP(command: "publish") { connection in
                do {
                    try await connection.publish(message)
                } catch AMQPError.unroutable {
                    throw ShopctlError.failure("queue \(policy.name) does not exist: run shopctl queues declare")
                }
            }
            return PublishReport(
                queue: policy.name, messageId: message.properties.messageID ?? "", type: validated.type,
                correlationId: message.properties.correlationID
            )
        }
    }

    /// The body from the argument: the JSON itself, `@FILE`, or `-` for standard input (read
    /// on a thread of the NIO pool: reading may block).
    static func readBody(_ argument: String) async throws -> [UInt8] {
        if argument == "-" {
            return try await NIOThreadPool.singleton.runIfActive { Array(FileHandle.standardInput.readDataToEndOfFile()) }
        }
        guard argument.hasPrefix("@") else { return Array(argument.utf8) }
        let path = String(argument.dropFirst())
        let data = try await NIOThreadPool.singleton.runIfActive { FileManager.default.contents(atPath: path) }
        guard let data else { throw ShopctlError.usage("cannot read the body from \(path)") }
        return Array(data)
    }
}

/// What `publish` reports.
struct PublishReport: CommandReport {
    var queue: String
    var messageId: String
    var type: String
    var correlationId: String?

    var text: String {
        "published \(type) to \(queue): message id \(messageId)\(correlationId.map { ", correlation id \($0)" } ?? "")"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
        try container.encode(messageId, forKey: .messageId)
        try container.encode(type, forKey: .type)
        try container.encode(correlationId, forKey: .correlationId)
    }

    private enum CodingKeys: String, CodingKey {
        case queue, messageId, type, correlationId
    }
}
