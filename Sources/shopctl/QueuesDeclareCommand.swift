import ArgumentParser
import Messaging

/// `shopctl queues declare`: declares every queue of `queues.yaml` (work, retry and dead
/// queues), as the workers do at start. Idempotent.
struct QueuesDeclareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "declare",
        abstract: "Declare every work, retry and dead-letter queue of queues.yaml (idempotent).",
        discussion: """
            A queue that exists with other arguments (say, a changed delivery limit) is not changed: \
            the command fails naming it, exit 1. RabbitMQ cannot change a queue's arguments; delete it \
            (after moving its messages) or keep the old policy.
            """
    )

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let queues = try environment.queuesConfiguration()
            let topology = queues.queueNames.compactMap { queues.queues[$0] }.flatMap(\.topology)
            return try await environment.withAMQP(command: "queues declare") { connection in
                for queue in topology {
                    do {
                        try await connection.declare([queue.declaration])
                    } catch AMQPError.channelClosed(let code, let text) {
                        throw ShopctlError.failure("cannot declare \(queue.name): the broker answered \(code) \(text)")
                    }
                }
                return DeclareReport(
                    configPath: environment.queuesConfigPath,
                    queues: topology.map { .init(name: $0.name, workQueue: $0.workQueue, role: $0.role) }
                )
            }
        }
    }
}

/// What `queues declare` reports.
struct DeclareReport: CommandReport {
    struct Queue: Encodable, Sendable {
        var name: String
        var workQueue: String
        var role: QueueRole
    }

    var configPath: String
    /// Every queue declared, grouped by work queue.
    var queues: [Queue]

    var text: String {
        let workQueues = Set(queues.map(\.workQueue)).count
        let lines = queues.map { "  \($0.name) (\($0.role.rawValue))" }
        return (["declared \(queues.count) queues for \(workQueues) work queues of \(configPath):"] + lines).joined(separator: "\n")
    }
}
