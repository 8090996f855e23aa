import Contracts
import Foundation
import Messaging
import RedisStore
import Synchronization
import Testing
import WorkerRuntime

/// The worker runtime against the real RabbitMQ of the test stack, on queues of its own.
@Suite("Worker runtime (RabbitMQ)")
struct WorkerRuntimeTests {
    /// Fails every job while `broken` is on; `bad` jobs fail for good.
    struct FlakyHandler: WorkerHandler {
        let log: HandlerLog
        let broken: Switch

        func handle(_ job: TestJob, context: MessageContext) async throws {
            log.started(job.id)
            defer { log.markFinished() }
            if job.bad { throw PermanentFailure("job \(job.id) can never succeed") }
            if broken.isOn { throw TestFailure(reason: "the cause is not fixed yet") }
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    @Test("a poison message is retried with growing delays, dead-lettered with its story, and succeeds when replayed after the fix")
    func poisonMessageLifecycle() async throws {
        let policy = RuntimeHarness.policy("poison")
        let log = HandlerLog()
        let broken = Switch(true)
        let connection = try RuntimeHarness.connection("poison")
        let worker = QueueWorker(policy: policy, connection: connection, handler: FlakyHandler(log: log, broken: broken), settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            try await RuntimeHarness.publish([TestJob(id: 1)], to: policy.name, on: connection)
            try await RuntimeHarness.waitUntil("the poison message is dead-lettered") {
                try await connection.queueState(policy.deadLetterQueue)?.messageCount == 1
            }
            #expect(log.calls(1) == policy.maxAttempts)

            // The delays between attempts grow as the backoff says (jitter only shortens them).
            let times = log.times
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            for (index, gap) in gaps.enumerated() {
                let nominal = policy.backoff.delay(beforeAttempt: index + 2)
                #expect(gap >= nominal * (1 - policy.backoff.jitter) - .milliseconds(20), "gap \(index + 1) was \(gap), nominal \(nominal)")
                #expect(gap < nominal + .seconds(2), "gap \(index + 1) was \(gap), nominal \(nominal)")
            }
            #expect(gaps.last! > gaps.first!, "the delays must grow: \(gaps)")

            let dead = try #require(try await connection.get(queue: policy.deadLetterQueue))
            let headers = dead.properties.headers
            #expect(headers[WorkerHeaders.attempt] == .int(Int64(policy.maxAttempts)))
            #expect(headers[WorkerHeaders.reason]?.stringValue?.contains("the cause is not fixed yet") == true)
            #expect(headers[WorkerHeaders.reason]?.stringValue?.contains("failed 4 times") == true)
            #expect(headers[WorkerHeaders.failedAt]?.stringValue?.isEmpty == false)
            #expect(headers[WorkerHeaders.worker] == .string(RuntimeHarness.settings.workerName))
            #expect(headers[WorkerHeaders.originalQueue] == .string(policy.name))
            #expect(headers[WorkerHeaders.failures]?.arrayValue?.count == policy.maxAttempts)
            #expect(dead.properties.messageID == "job-1", "the message id is kept")

            // The cause is fixed; the message is put back (as `shopctl dlq replay` does) and succeeds.
            broken.set(false)
            var replay = OutgoingMessage(routingKey: policy.name, body: dead.body, properties: dead.properties)
            replay.properties.headers = [:]
            try await connection.publish(replay)
            try await connection.ack(dead)
            try await RuntimeHarness.waitUntil("the replayed message succeeds") { log.calls(1) == policy.maxAttempts + 1 }
            try await RuntimeHarness.waitUntil("every queue is empty") {
                let work = try await connection.queueState(policy.name)
                let dead = try await connection.queueState(policy.deadLetterQueue)
                return work?.messageCount == 0 && dead?.messageCount == 0
            }
        }
    }

    @Test("a permanent failure and an undecodable message go to the dead-letter queue at once")
    func permanentFailuresAreNotRetried() async throws {
        let policy = RuntimeHarness.policy("permanent")
        let log = HandlerLog()
        let connection = try RuntimeHarness.connection("permanent")
        let worker = QueueWorker(policy: policy, connection: connection, handler: FlakyHandler(log: log, broken: Switch(false)), settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            try await RuntimeHarness.publish([TestJob(id: 7, bad: true)], to: policy.name, on: connection)
            var garbage = OutgoingMessage(routingKey: policy.name, body: Array("{not json".utf8))
            garbage.properties.messageID = "garbage"
            try await connection.publish(garbage)
            try await RuntimeHarness.waitUntil("both are dead-lettered") {
                try await connection.queueState(policy.deadLetterQueue)?.messageCount == 2
            }
            #expect(log.calls(7) == 1)
            var reasons: [String: String] = [:]
            while let dead = try await connection.get(queue: policy.deadLetterQueue) {
                reasons[dead.properties.messageID ?? ""] = dead.properties.headers[WorkerHeaders.reason]?.stringValue
                #expect(dead.properties.headers[WorkerHeaders.attempt] == .int(1))
                try await connection.ack(dead)
            }
            #expect(reasons["job-7"] == "job 7 can never succeed")
            #expect(reasons["garbage"]?.contains("cannot be decoded") == true)
        }
    }

    /// Fails a number of times with a Redis outage, or with ``RetryLater``, then succeeds.
    struct OutageHandler: WorkerHandler {
        enum Failure: String, Sendable, CaseIterable {
            case redisDown, retryLater
        }

        let log: HandlerLog
        let outages: Int
        let failure: Failure

        func handle(_ job: TestJob, context: MessageContext) async throws {
            log.started(job.id)
            if log.calls(job.id) <= outages {
                switch failure {
                case .redisDown: throw RedisError.unavailable(reason: "test outage")
                case .retryLater: throw RetryLater("another worker holds this job")
                }
            }
            #expect(context.attempt == 1, "waiting must not use up attempts")
        }
    }

    @Test(
        "a dependency outage, or a RetryLater, longer than every attempt does not dead-letter the message",
        arguments: OutageHandler.Failure.allCases
    )
    func outagesDoNotUseUpAttempts(failure: OutageHandler.Failure) async throws {
        let policy = RuntimeHarness.policy("outage-\(failure.rawValue)")
        let log = HandlerLog()
        let connection = try RuntimeHarness.connection("outage-\(failure.rawValue)")
        let handler = OutageHandler(log: log, outages: policy.maxAttempts + 2, failure: failure)
        let worker = QueueWorker(policy: policy, connection: connection, handler: handler, settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            try await RuntimeHarness.publish([TestJob(id: 3)], to: policy.name, on: connection)
            try await RuntimeHarness.waitUntil("the message succeeds after the outage", timeout: .seconds(30)) {
                log.calls(3) == policy.maxAttempts + 3
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await connection.queueState(policy.deadLetterQueue)?.messageCount == 0)
        }
    }

    /// Hangs on the first attempt of job 1 (until cancelled); handles everything else at once.
    struct HangingHandler: WorkerHandler {
        let log: HandlerLog
        let attempts = AttemptLog()

        final class AttemptLog: Sendable {
            private let values = Mutex<[Int]>([])
            func append(_ attempt: Int) { values.withLock { $0.append(attempt) } }
            var all: [Int] { values.withLock { $0 } }
        }

        func handle(_ job: TestJob, context: MessageContext) async throws {
            log.started(job.id)
            defer { log.markFinished() }
            if job.id == 1 {
                attempts.append(context.attempt)
                if context.attempt == 1 {
                    try await Task.sleep(for: .seconds(60))
                }
            }
        }
    }

    @Test("a handler past its deadline is cancelled, its message retried, and the worker carries on with a new slot")
    func handlerTimeoutRetriesAndCarriesOn() async throws {
        let policy = RuntimeHarness.policy("timeout", concurrency: 1)
        let log = HandlerLog()
        let connection = try RuntimeHarness.connection("timeout")
        let handler = HangingHandler(log: log)
        var settings = RuntimeHarness.settings
        settings.handlerTimeout = .seconds(1)
        let worker = QueueWorker(policy: policy, connection: connection, handler: handler, settings: settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            try await RuntimeHarness.publish([TestJob(id: 1)], to: policy.name, on: connection)
            try await RuntimeHarness.waitUntil("the hanging handler runs") { log.calls(1) == 1 }
            try await RuntimeHarness.publish((2...6).map { TestJob(id: $0) }, to: policy.name, on: connection)
            let start = ContinuousClock.now
            // One slot: the others can only run once the hanging one is cut short and replaced.
            try await RuntimeHarness.waitUntil("the other jobs are handled") { (2...6).allSatisfy { log.calls($0) == 1 } }
            #expect(ContinuousClock.now - start < .seconds(5))
            try await RuntimeHarness.waitUntil("job 1 is retried and succeeds") { log.calls(1) == 2 }
            #expect(handler.attempts.all == [1, 2])
            try await RuntimeHarness.waitUntil("every queue is empty") {
                try await connection.queueState(policy.name)?.messageCount == 0
            }
            #expect(try await connection.queueState(policy.deadLetterQueue)?.messageCount == 0)
            #expect(log.startedCount == log.finishedCount, "the cancelled handler returned")
        }
    }

    /// Sleeps a while on each job, to be caught by a shutdown.
    struct SlowHandler: WorkerHandler {
        let log: HandlerLog

        func handle(_ job: TestJob, context: MessageContext) async throws {
            log.started(job.id)
            try await Task.sleep(for: .milliseconds(700))
            log.markFinished()
        }
    }

    @Test("graceful shutdown: consuming stops, what is in flight finishes and is acked, the rest stays queued")
    func gracefulShutdownLosesNothing() async throws {
        let policy = RuntimeHarness.policy("shutdown", concurrency: 3)
        let log = HandlerLog()
        let connection = try RuntimeHarness.connection("shutdown")
        let worker = QueueWorker(policy: policy, connection: connection, handler: SlowHandler(log: log), settings: RuntimeHarness.settings, logger: MessagingTestBroker.logger)
        try await RuntimeHarness.run(connection, worker, declaring: policy) { connection in
            try await RuntimeHarness.publish((1...12).map { TestJob(id: $0) }, to: policy.name, on: connection)
            try await RuntimeHarness.waitUntil("three handlers are running") { log.startedCount >= 3 }
        }
        // The service group is down: every handler that started also finished.
        #expect(log.startedCount == log.finishedCount)
        #expect(log.startedCount >= 3 && log.startedCount < 12)
        try await MessagingTestBroker.withConnection(try MessagingTestBroker.configuration(name: "shutdown-check")) { connection in
            // The broker requeues a closed channel's unacked deliveries after its close-ok (a
            // quorum queue through its log), so a busy broker may count them a moment later.
            let expected = 12 - log.finishedCount
            try await MessagingTestBroker.eventually("\(expected) messages back in the queue") {
                try await connection.queueState(policy.name)?.messageCount == expected
            }
            let state = try #require(try await connection.queueState(policy.name))
            #expect(state.messageCount == expected, "finished messages are acked, the others wait in the queue")
            #expect(try await connection.queueState(policy.deadLetterQueue)?.messageCount == 0)
        }
    }
}
