import Foundation
import Messaging
import ServiceKit
import WorkerRuntime

// A worker with a no-op handler on the queue `BENCH_QUEUE` (default `bench-noop`), for the
// throughput and cold-start benchmarks (scripts/bench). It is put together exactly as
// `Worker.run` puts the shop's workers together (settings, AMQP connection, QueueWorker,
// /health /ready /metrics, graceful shutdown); only the queue name is free, because
// `Worker.run` takes one of the shop's `QueueName`s.
//
// BENCH_EXPECT=N makes it write one JSON line to BENCH_REPORT once N messages are handled.
let bootstrap = ServiceBootstrap(name: "bench-noop-worker")
let config = bootstrap.config
await bootstrap.runOrExit {
    let queue = config.string(forKey: "bench.queue", default: "bench-noop")
    let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
    let policy = try queues.policy(for: queue)
    let settings = try WorkerSettings(queue: queue, config: config)
    let connection = AMQPConnection(
        configuration: try AMQPConfiguration(url: try config.required("amqp.url", isSecret: true), connectionName: settings.workerName),
        logger: bootstrap.logger
    )
    let meter = DrainMeter(
        expected: try config.integer("bench.expect", default: 0, in: 0...100_000_000),
        reportPath: config.string(forKey: "bench.report"),
        prefetch: Int(policy.prefetch),
        concurrency: policy.concurrency,
        logger: bootstrap.logger
    )
    let worker = QueueWorker(policy: policy, connection: connection, handler: NoopHandler(meter: meter), settings: settings, logger: bootstrap.logger)
    let router = bootstrap.makeRouter(tokens: nil, readiness: [ReadinessCheck("rabbitmq") { connection.isConnected }])
    try await bootstrap.run(router: router, defaultPort: 4190, services: [connection, worker])
}
