import Contracts
import Foundation
import Logging
import Messaging
import ServiceKit

/// The entry point of a worker executable: one queue, one handler.
///
/// ```swift
/// await Worker.run(queue: .sendEmail) { resources in
///     SendEmailHandler(log: EmailLog(client: try resources.postgres(), logger: resources.logger), ...)
/// }
/// ```
/// It reads the queue's policy from `queues.yaml` (`QUEUES_CONFIG`), connects to RabbitMQ
/// (`AMQP_URL`), builds the handler once, serves `/health`, `/ready` and `/metrics` on
/// `HTTP_PORT`, and consumes until SIGTERM or SIGINT, then shuts down gracefully.
public enum Worker {
    /// Runs a worker whose handler takes one message at a time.
    public static func run<Handler: WorkerHandler>(queue: QueueName, makeHandler: (WorkerResources) async throws -> Handler) async {
        await run(queueNamed: queue.rawValue, defaultPort: defaultPort(for: queue), makeHandler: makeHandler)
    }

    /// Runs a worker on a queue that is not one of the shop's (``QueueName``), such as the
    /// benchmarks' `bench-noop`: assembled exactly as the shop's workers are.
    public static func run<Handler: WorkerHandler>(
        queueNamed queue: String, defaultPort: Int, makeHandler: (WorkerResources) async throws -> Handler
    ) async {
        await run(queue: queue, defaultPort: defaultPort) { resources, policy, settings in
            QueueWorker(
                policy: policy, connection: resources.connection, handler: try await makeHandler(resources),
                settings: settings, logger: resources.logger
            )
        }
    }

    /// Runs a worker whose handler takes batches (`batch` in `queues.yaml`).
    public static func run<Handler: BatchWorkerHandler>(queue: QueueName, makeHandler: (WorkerResources) async throws -> Handler) async {
        await run(queue: queue.rawValue, defaultPort: defaultPort(for: queue)) { resources, policy, settings in
            QueueWorker(
                policy: policy, connection: resources.connection, handler: try await makeHandler(resources),
                settings: settings, logger: resources.logger
            )
        }
    }

    private static func run(
        queue: String,
        defaultPort: Int,
        makeWorker: (WorkerResources, QueuePolicy, WorkerSettings) async throws -> QueueWorker
    ) async {
        let bootstrap = ServiceBootstrap(name: queue)
        let config = bootstrap.config
        do {
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let policy = try queues.policy(for: queue)
            let settings = try WorkerSettings(queue: queue, config: config)
            let resources = try WorkerResources(config: config, logger: bootstrap.logger, connectionName: settings.workerName)
            let worker = try await makeWorker(resources, policy, settings)
            let router = bootstrap.makeRouter(tokens: nil, readiness: resources.readiness)
            // Shutdown runs in reverse: the HTTP server, then the worker (draining), then the
            // handler's own services and clients, and the AMQP connection last.
            try await bootstrap.run(router: router, defaultPort: defaultPort, services: resources.services + [worker])
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
