import Contracts
import Foundation
import Logging
import Messaging
import ServiceKit

/// The entry point of a worker executable: one queue, one handler.
///
/// ```swift
/// @main struct SendEmailWorker {
///     static func main() async {
///         await Worker.run(queue: .sendEmail) { resources in
///             try SendEmailHandler(log: EmailLog(client: resources.postgres(), logger: resources.logger), ...)
///         }
///     }
/// }
/// ```
/// It reads the queue's policy from `queues.yaml` (`QUEUES_CONFIG`), connects to RabbitMQ
/// (`AMQP_URL`), builds the handler once, serves `/health`, `/ready` and `/metrics` on
/// `HTTP_PORT`, and consumes until SIGTERM or SIGINT, then shuts down gracefully.
public enum Worker {
    public static func run<Handler: WorkerHandler>(
        queue: QueueName,
        makeHandler: (WorkerResources) async throws -> Handler
    ) async {
        let bootstrap = ServiceBootstrap(name: queue.rawValue)
        let config = bootstrap.config
        do {
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let policy = try queues.policy(for: queue.rawValue)
            let settings = try WorkerSettings(queue: queue.rawValue, config: config)
            let connection = AMQPConnection(
                configuration: try AMQPConfiguration(url: try config.required("amqp.url", isSecret: true), connectionName: settings.workerName),
                logger: bootstrap.logger
            )
            let resources = WorkerResources(config: config, logger: bootstrap.logger, connection: connection)
            let handler = try await makeHandler(resources)
            let worker = QueueWorker(policy: policy, connection: connection, handler: handler, settings: settings, logger: bootstrap.logger)
            let router = bootstrap.makeRouter(tokens: nil, readiness: resources.readiness)
            // Shutdown runs in reverse: the HTTP server, then the worker (draining), then the
            // clients, and the AMQP connection last, so settling can still publish and ack.
            try await bootstrap.run(
                router: router,
                defaultPort: defaultPort(for: queue),
                services: [connection] + resources.services + [worker]
            )
        } catch {
            bootstrap.logger.critical("cannot run", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Each worker's own health port, so one of each runs side by side on one host.
    static func defaultPort(for queue: QueueName) -> Int {
        switch queue {
        case .checkout: 4101
        case .updateInventory: 4102
        case .clearCart: 4103
        case .sendEmail: 4104
        }
    }
}
