import ArgumentParser

/// `shopctl dlq`: the dead-letter queues, `<queue>.dead`.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect, replay and purge dead-lettered messages (QUEUE.dead).",
        discussion: """
            QUEUE is a work queue of queues.yaml; its dead letters are in QUEUE.dead. Reading that queue \
            takes every message and returns the ones it keeps, in order (RabbitMQ has no other way to show \
            them, and this keeps their order). A quorum queue counts each return as a delivery: list, replay \
            and purge --id first check through the management API that no delivery limit applies to \
            QUEUE.dead, so that reading it can never make the broker drop a message.
            """,
        subcommands: [DLQListCommand.self, DLQReplayCommand.self, DLQPurgeCommand.self]
    )
}

/// `--skip-limit-check`, for the dead-letter commands that return messages to the queue.
struct LimitCheckOptions: ParsableArguments {
    @Flag(
        help: """
            Do not check through the management API that no delivery limit applies to QUEUE.dead. \
            Only for brokers without the management plugin, when you know there is none.
            """
    )
    var skipLimitCheck = false
}
