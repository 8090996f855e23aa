import Contracts
import Foundation
import Messaging
import Synchronization
import Testing
import WorkerRuntime

/// Batches against the real RabbitMQ: each message is settled on its own.
@Suite("Batch worker (RabbitMQ)")
struct BatchWorkerTests {
    /// Fails the `bad` jobs of each batch and records the batch sizes it saw.
    struct PickyBatchHandler: BatchWorkerHandler {
        let log: HandlerLog
        let sizes: BatchSizes

        func handle(_ batch: [BatchItem<TestJob>]) async throws -> BatchFailures {
            sizes.record(batch.count)
            var failures = BatchFailures()
            for (index, item) in batch.enumerated() {
                log.started(item.message.id)
                if item.message.bad {
                    failures.record(TestFailure(), at: index)
                }
            }
            return failures
        }
    }

    struct TestFailure: Error {}

    final class BatchSizes: Sendable {
        private let sizes = Mutex<[Int]>([])
        func record(_ size: Int) { sizes.withLock { $0.append(size) } }
        var all: [Int] { sizes.withLock { $0 } }
    }

    @Test("a batch with one bad message: the others succeed once, only the bad one is retried")
    func oneBadMessageInABatch() async throws {
        let policy = RuntimeHarness.policy("batch", batch: BatchPolicy(size: 10, wait: .milliseconds(300)))
        let log = HandlerLog()
        let sizes = BatchSizes()
        let connection = try RuntimeHarness.connection("batch")
        let worker = QueueWorker(policy: policy, connection: connection, handler: PickyBatchHandler(log: log, sizes: sizes), settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            var jobs = (1...6).map { TestJob(id: $0) }
            jobs[3].bad = true
            try await RuntimeHarness.publish(jobs, to: policy.name, on: connection)
            var garbage = OutgoingMessage(routingKey: policy.name, body: Array("[]".utf8))
            garbage.properties.messageID = "garbage"
            try await connection.publish(garbage)

            try await RuntimeHarness.waitUntil("the bad job and the garbage are dead-lettered") {
                try await connection.queueState(policy.deadLetterQueue)?.messageCount == 2
            }
            for id in [1, 2, 3, 5, 6] {
                #expect(log.calls(id) == 1, "good job \(id) was handled \(log.calls(id)) times")
            }
            #expect(log.calls(4) == policy.maxAttempts, "the bad job is retried on its own")
            // Messages arriving together are handled together (the batch timer may split them).
            #expect(sizes.all.contains { $0 > 1 }, "no batch held more than one message: \(sizes.all)")
            #expect(sizes.all.reduce(0, +) == 5 + policy.maxAttempts, "handled items: \(sizes.all)")
            #expect(try await connection.queueState(policy.name)?.messageCount == 0)
        }
    }
}
