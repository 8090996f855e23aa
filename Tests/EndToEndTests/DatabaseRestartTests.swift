import Contracts
import Foundation
import OrdersCore
import Storage
import Synchronization
import Testing
import TestSupport

extension ResilienceTests {
    /// Counts calls and remembers the slowest.
    final class CallLog: Sendable {
        private let state = Mutex<(calls: Int, failures: Int, slowest: Duration, running: [Int: ContinuousClock.Instant])>((0, 0, .zero, [:]))
        private let stopped = Mutex(false)

        var isStopped: Bool { stopped.withLock { $0 } }
        func stop() { stopped.withLock { $0 = true } }

        func begin(_ worker: Int) { state.withLock { $0.running[worker] = .now } }

        func end(_ worker: Int, failed: Bool) {
            state.withLock { state in
                if let start = state.running.removeValue(forKey: worker) {
                    state.slowest = max(state.slowest, .now - start)
                }
                state.calls += 1
                state.failures += failed ? 1 : 0
            }
        }

        var summary: (calls: Int, failures: Int, slowest: Duration, stillRunning: Int) {
            state.withLock { ($0.calls, $0.failures, $0.slowest, $0.running.count) }
        }
    }

    @Test("PostgreSQL restarted while queries and transactions run: every call returns, none hangs", .timeLimit(.minutes(3)))
    func everyDatabaseCallReturnsWhenPostgresRestarts() async throws {
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            let log = CallLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        while !log.isStopped {
                            log.begin(worker)
                            do {
                                if worker.isMultiple(of: 2) {
                                    try await database.query("SELECT pg_sleep(0.01)")
                                } else {
                                    try await orders.create(Self.probeOrder())
                                }
                                log.end(worker, failed: false)
                            } catch {
                                log.end(worker, failed: true)
                            }
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    try await StackControl.run("restart postgres")
                    try await Task.sleep(for: .seconds(5))
                    log.stop()
                }
                // Every worker must come back: a call lost inside the driver would hang here
                // (and the time limit fail the test).
                try await group.waitForAll()
            }
            let summary = log.summary
            #expect(summary.stillRunning == 0)
            #expect(summary.failures > 0, "the restart should have failed some calls: \(summary)")
            #expect(summary.slowest < .seconds(10), "a call took \(summary.slowest)")
            // And the pool works afterwards.
            try await database.query("SELECT 1")
        }
    }

    static func probeOrder() -> Order {
        let now = Date()
        let line = OrderLineDTO(productId: UUID(), sku: "PROBE", name: "Probe", unitPrice: Money(amount: 1, currency: "EUR"), quantity: 1)
        let dto = OrderDTO(
            id: UUID(), userId: UUID(), status: .pending, lines: [line], total: Money(amount: 1, currency: "EUR"),
            statusReason: nil, createdAt: now, updatedAt: now
        )
        return Order(dto: dto, email: "probe@example.com")
    }
}
