import Foundation
import Messaging
import ServiceKit
import WorkerRuntime

// A worker with a no-op handler on the queue `BENCH_QUEUE` (default `bench-noop`), for the
// throughput and cold-start benchmarks (scripts/bench). `Worker.run` assembles it exactly as
// it assembles the shop's workers (settings, AMQP connection, QueueWorker, /health /ready
// /metrics, graceful shutdown); only the queue is not one of the shop's.
//
// BENCH_EXPECT=N makes it write one JSON line to BENCH_REPORT once N messages are handled.
let queue = ProcessInfo.processInfo.environment["BENCH_QUEUE"] ?? "bench-noop"
await Worker.run(queueNamed: queue, defaultPort: 4190) { resources in
    // The meter reports the policy it ran with; the worker itself reads it the same way.
    let config = resources.config
    let policy = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml")).policy(for: queue)
    let meter = DrainMeter(
        expected: try config.integer("bench.expect", default: 0, in: 0...100_000_000),
        reportPath: config.string(forKey: "bench.report"),
        prefetch: Int(policy.prefetch),
        concurrency: policy.concurrency,
        logger: resources.logger
    )
    return NoopHandler(meter: meter)
}
