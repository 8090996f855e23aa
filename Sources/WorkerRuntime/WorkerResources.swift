import Configuration
import Logging
import Messaging
import ServiceKit

/// What a worker's handler is built from: the process's clients (database, Redis, mailer,
/// extra services such as a sweeper) and the worker's AMQP connection, which is the first of
/// its services, so it stops last: settling can publish and ack until the very end.
public final class WorkerResources: ProcessResources {
    /// The worker's AMQP connection: handlers publish through their ``MessageContext``.
    /// (Set by the initialiser, once `ProcessResources` can create it: never nil afterwards.)
    public private(set) var connection: AMQPConnection!

    init(config: ConfigReader, logger: Logger, connectionName: String) throws {
        super.init(config: config, logger: logger)
        connection = try amqp(connectionName: connectionName)
    }

    /// A publisher on the worker's connection, for services that publish on their own
    /// (a sweeper). Handlers publish through their ``MessageContext``.
    public var publisher: MessagePublisher {
        MessagePublisher(connection: connection)
    }
}
