import Contracts
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Synchronization
import Testing
import WorkerRuntime

/// A test message: an id, and a flag a test handler may treat as poison.
struct TestJob: IncomingMessage, Codable, Hashable {
    var id: Int
    var bad: Bool = false

    static func decode(type: String?, body: [UInt8]) throws -> TestJob {
        try MessageCoding.decode(TestJob.self, from: body)
    }

    var outgoing: OutgoingMessage {
        get throws {
            var properties = MessageProperties()
            properties.messageID = "job-\(id)"
            properties.type = "test.job"
            return OutgoingMessage(routingKey: "", body: Array(try JSONEncoder().encode(self)), properties: properties)
        }
    }
}

/// Counters a test handler writes and the test reads.
final class HandlerLog: Sendable {
    private let state = Mutex<(calls: [Int: Int], started: Int, finished: Int, times: [ContinuousClock.Instant])>(([:], 0, 0, []))

    func started(_ id: Int) {
        state.withLock {
            $0.calls[id, default: 0] += 1
            $0.started += 1
            $0.times.append(.now)
        }
    }

    func markFinished() { state.withLock { $0.finished += 1 } }
    func calls(_ id: Int) -> Int { state.withLock { $0.calls[id] ?? 0 } }
    var startedCount: Int { state.withLock { $0.started } }
    var finishedCount: Int { state.withLock { $0.finished } }
    var times: [ContinuousClock.Instant] { state.withLock { $0.times } }
}

/// A switch a test flips: the poison's cause is fixed.
final class Switch: Sendable {
    private let value: Mutex<Bool>
    init(_ on: Bool) { value = Mutex(on) }
    var isOn: Bool { value.withLock { $0 } }
    func set(_ on: Bool) { value.withLock { $0 = on } }
}

enum RuntimeHarness {
    /// A policy for a queue of the test's own: short delays, 4 attempts.
    static func policy(_ purpose: String, batch: BatchPolicy? = nil, concurrency: Int = 4) -> QueuePolicy {
        QueuePolicy(
            name: MessagingTestBroker.uniqueQueue(purpose), prefetch: 20, concurrency: concurrency, maxAttempts: 4, deliveryLimit: 20,
            backoff: BackoffPolicy(initial: .milliseconds(300), multiplier: 2, max: .seconds(2), jitter: 0.1), batch: batch
        )
    }

    static let settings = WorkerSettings(handlerTimeout: .seconds(10), shutdownGracePeriod: .seconds(10), workerName: "runtime-test@localhost:1")

    /// Runs `worker` (with its connection) in a service group while `body` runs, then shuts the
    /// group down gracefully, as SIGTERM would.
    static func run(
        _ connection: AMQPConnection, _ worker: QueueWorker, declaring policy: QueuePolicy,
        _ body: @Sendable (AMQPConnection) async throws -> Void
    ) async throws {
        let group = ServiceGroup(
            configuration: .init(services: [connection, worker], gracefulShutdownSignals: [], logger: MessagingTestBroker.logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await connection.declare(policy.declarations)
                try await body(connection)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func connection(_ name: String) throws -> AMQPConnection {
        AMQPConnection(configuration: try MessagingTestBroker.configuration(name: name), logger: MessagingTestBroker.logger)
    }

    static func publish(_ jobs: [TestJob], to queue: String, on connection: AMQPConnection) async throws {
        try await connection.publish(
            try jobs.map { job in
                var message = try job.outgoing
                message.routingKey = queue
                return message
            }
        )
    }

    /// Waits until `condition` holds, polling every 50 ms.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(try await condition(), "timed out waiting until \(what)")
    }
}
