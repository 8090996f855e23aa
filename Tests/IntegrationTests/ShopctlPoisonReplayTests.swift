import Foundation
import Messaging
import Testing
import WorkerRuntime

extension ShopctlIntegrationTests {
    /// Issue 3's operator story with a real worker runtime: a message that keeps failing is
    /// dead-lettered by the runtime, `shopctl dlq list` shows why, and once the cause is fixed
    /// `shopctl dlq replay` puts it back and it succeeds.
    @Suite("shopctl with the worker runtime")
    struct PoisonReplay {
        /// Fails every job while `broken` is on.
        struct BrokenUntilFixed: WorkerHandler {
            let log: HandlerLog
            let broken: Switch

            func handle(_ job: TestJob, context: MessageContext) async throws {
                log.started(job.id)
                defer { log.markFinished() }
                if broken.isOn { throw Failure() }
            }
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String { "the payment provider is misconfigured" }
        }

        @Test("a poison message dead-lettered by the runtime is listed with its story and succeeds when replayed after the fix")
        func replayAfterTheFix() async throws {
            try await ShopctlTestTopology.with("poison") { topology in
                let policy = topology.policy
                let log = HandlerLog()
                let broken = Switch(true)
                let connection = try RuntimeHarness.connection("shopctl-poison")
                let worker = QueueWorker(
                    policy: policy, connection: connection, handler: BrokenUntilFixed(log: log, broken: broken),
                    settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger
                )
                try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
                    try await RuntimeHarness.publish([TestJob(id: 7)], to: policy.name, on: connection)
                    try await RuntimeHarness.waitUntil("the message is dead-lettered") {
                        try await connection.queueState(policy.deadLetterQueue)?.messageCount == 1
                    }

                    let list = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                    #expect(list.exitCode == 0, "\(list)")
                    let messages = try #require(try list.json()["messages"] as? [[String: Any]])
                    try #require(messages.count == 1)
                    let dead = messages[0]
                    #expect(dead["messageId"] as? String == "job-7")
                    #expect(dead["attempts"] as? Int == policy.maxAttempts)
                    #expect((dead["failureReason"] as? String)?.contains("the payment provider is misconfigured") == true)
                    #expect(dead["failedBy"] as? String == RuntimeHarness.settings.workerName)
                    #expect(dead["originalQueue"] as? String == policy.name)
                    #expect((dead["failures"] as? [String])?.count == policy.maxAttempts)
                    #expect(log.calls(7) == policy.maxAttempts)

                    broken.set(false)
                    let replay = try await topology.shopctl(["dlq", "replay", topology.name, "--id", "job-7"])
                    #expect(replay.exitCode == 0, "\(replay)")
                    try await RuntimeHarness.waitUntil("the replayed message succeeds") { log.finishedCount == policy.maxAttempts + 1 }
                    #expect(log.calls(7) == policy.maxAttempts + 1, "handled once more, as a first attempt")
                    try await RuntimeHarness.waitUntil("the queues are empty") {
                        let work = try await connection.queueState(policy.name)
                        let dead = try await connection.queueState(policy.deadLetterQueue)
                        return work?.messageCount == 0 && dead?.messageCount == 0
                    }
                }
            }
        }
    }
}
