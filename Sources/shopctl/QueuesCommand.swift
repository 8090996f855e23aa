import ArgumentParser

/// `shopctl queues`: the queue topology of `queues.yaml` on the broker.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Declare the queues of queues.yaml and show their state.",
        subcommands: [QueuesDeclareCommand.self, QueuesStatusCommand.self]
    )
}
