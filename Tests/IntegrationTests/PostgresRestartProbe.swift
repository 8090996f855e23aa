import Contracts
import Foundation
import OrdersCore
import PostgresNIO
import Storage
import Synchronization
import Testing
import TestSupport

@Suite("PG restart probe")
struct PostgresRestartProbe {
    enum Mode: String, CaseIterable, Sendable { case query, transaction, connection }

    @Test func probeQuery() async throws { try await probe(.query) }
    @Test func probeConnection() async throws { try await probe(.connection) }
    @Test func probeTransaction() async throws { try await probe(.transaction) }

    func probe(_ mode: Mode) async throws {
        try await TestDatabase.withClient { client in
            let repository = OrderRepository(client: client, logger: TestDatabase.logger)
            final class Box: Sendable {
                let slow = Mutex<[String]>([])
                let stop = Mutex(false)
                let inFlight = Mutex<[Int: ContinuousClock.Instant]>([:])
                let stage = Mutex<[Int: String]>([:])
            }
            let box = Box()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        while !box.stop.withLock({ $0 }) {
                            let start = ContinuousClock.now
                            box.inFlight.withLock { $0[worker] = start }
                            let now = Date()
                            let line = OrderLineDTO(productId: UUID(), sku: "P", name: "P", unitPrice: Money(amount: 1, currency: "EUR"), quantity: 1)
                            let dto = OrderDTO(id: UUID(), userId: UUID(), status: .pending, lines: [line], total: Money(amount: 1, currency: "EUR"), statusReason: nil, createdAt: now, updatedAt: now)
                            var outcome = "ok"
                            do {
                                switch mode {
                                case .query: try await client.query("SELECT pg_sleep(0.01)")
                                case .transaction: try await repository.create(Order(dto: dto, email: "p@example.com"))
                                case .connection:
                                    try await withThrowingTaskGroup(of: Void.self) { race in
                                        race.addTask {
                                            box.stage.withLock { $0[worker] = "leasing" }
                                            try await client.withConnection { connection in
                                                box.stage.withLock { $0[worker] = "querying on \(connection.id)" }
                                                let rows = try await connection.query("SELECT pg_sleep(0.01)", logger: TestDatabase.logger)
                                                box.stage.withLock { $0[worker] = "reading rows on \(connection.id)" }
                                                for try await _ in rows {}
                                                box.stage.withLock { $0[worker] = "returning \(connection.id)" }
                                            }
                                            box.stage.withLock { $0[worker] = "returned" }
                                        }
                                        race.addTask { try await Task.sleep(for: .seconds(4)); throw CancellationError() }
                                        try await race.next()
                                        race.cancelAll()
                                    }
                                }
                            } catch { outcome = "\(error)".prefix(80).description }
                            let took = ContinuousClock.now - start
                            _ = box.inFlight.withLock { $0.removeValue(forKey: worker) }
                            if took > .seconds(3) { FileHandle.standardError.write(Data("SLOWISH \(mode) \(worker) \(took) \(outcome)\n".utf8)) }
                            if took > .seconds(5) { box.slow.withLock { $0.append("worker \(worker): \(took) \(outcome)") } }
                            if took > .seconds(5) { FileHandle.standardError.write(Data("SLOW \(mode) worker \(worker): \(took) \(outcome)\n".utf8)) }
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    try await StackControl.run("restart postgres")
                    try await Task.sleep(for: .seconds(10))
                    box.stop.withLock { $0 = true }
                    try await Task.sleep(for: .seconds(8))
                    let stuck = box.inFlight.withLock { $0 }.map { "worker \($0.key) in flight for \(ContinuousClock.now - $0.value): \(box.stage.withLock { $0 }[$0.key] ?? "?")" }
                    try? ("mode \(mode): stuck \(stuck)\nslow \(box.slow.withLock { $0 })\n").write(toFile: "/tmp/probe-diag-\(mode).txt", atomically: true, encoding: .utf8)
                }
                try await group.waitForAll()
            }
            #expect(box.slow.withLock { $0 }.isEmpty, "\(box.slow.withLock { $0 })")
        }
    }
}
