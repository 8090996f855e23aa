import ArgumentParser

/// The operator's command line: schemas and seed data, the queue topology, dead-letter
/// queues, and publishing a message by hand.
@main
struct Shopctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopctl",
        abstract: "Operate the shop: schemas, seed data, queues, dead letters, hand-published messages.",
        discussion: """
            Settings come from the environment, like every shop process (see .env.example): \
            DATABASE_URL (migrate, seed), AMQP_URL, RABBITMQ_MANAGEMENT_URL (default http://<AMQP host>:15672, \
            with AMQP_URL's user unless the URL names one), QUEUES_CONFIG (default queues.yaml), \
            SHOPCTL_CONNECT_TIMEOUT_SECONDS (how long to wait for RabbitMQ, default 10).

            Every command takes --json: one JSON document on standard output (an error too, as \
            {"error": {"message", "exitCode"}}, except a malformed command line such as an unknown option); \
            otherwise text. Errors and warnings also go to standard error.

            Exit codes:
              0   success
              1   the operation failed: RabbitMQ, its management API or PostgreSQL unreachable, \
            a queue missing, nothing to replay, no message with that id...
              64  usage or validation error: unknown option or queue, invalid message body...
            """,
        subcommands: [
            QueuesCommand.self, DLQCommand.self, PublishCommand.self, MigrateCommand.self, SeedCommand.self,
        ]
    )
}
