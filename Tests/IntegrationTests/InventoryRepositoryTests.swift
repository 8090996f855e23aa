import CatalogCore
import Contracts
import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The reservation transaction against the real PostgreSQL of the test stack.
@Suite("Inventory reservations (PostgreSQL)")
struct InventoryRepositoryTests {
    func newProduct(stock: Int, database: Database) async throws -> UUID {
        try await Migrator(database: database).migrate(CatalogMigrations.schema)
        let sku = TestEnvironment.unique("IT").uppercased()
        let request = CreateProductRequest(
            sku: sku, name: sku, description: nil, category: "tests", price: Money(amount: 100, currency: "EUR"), stock: stock
        )
        let product = try await ProductRepository(database: database).create(request)
        return try #require(product).id
    }

    struct Stock: Equatable {
        var available: Int
        var reserved: Int
        init(_ available: Int, _ reserved: Int) {
            self.available = available
            self.reserved = reserved
        }
    }

    func counts(_ productId: UUID, database: Database) async throws -> Stock {
        let rows = try await database.query("SELECT available, reserved FROM catalog.inventory WHERE product_id = \(productId)")
        for (available, reserved) in try rows.decode((Int, Int).self) { return Stock(available, reserved) }
        throw TestEnvironment.Missing(variable: "inventory row")
    }

    func ledgerCount(orderId: UUID, database: Database) async throws -> Int {
        let rows = try await database.query("SELECT count(*)::int FROM catalog.inventory_ledger WHERE order_id = \(orderId)")
        for count in try rows.decode(Int.self) { return count }
        return 0
    }

    @Test func concurrentReservationsNeverOversell() async throws {
        try await TestDatabase.withDatabase { database in
            let product = try await newProduct(stock: 10, database: database)
            let inventory = InventoryRepository(database: database)
            let outcomes = try await withThrowingTaskGroup(of: ReservationOutcome.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let request = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 1)])
                        return try await inventory.reserve([request])[request.orderId]!
                    }
                }
                return try await group.reduce(into: [ReservationOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .reserved }.count == 10)
            #expect(try await counts(product, database: database) == Stock(0, 10))
        }
    }

    @Test func aBatchServesOrdersInTurnAllOrNothingEach() async throws {
        try await TestDatabase.withDatabase { database in
            let mug = try await newProduct(stock: 3, database: database)
            let tee = try await newProduct(stock: 1, database: database)
            let inventory = InventoryRepository(database: database)
            let first = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 2), StockLine(productId: tee, quantity: 1)])
            let second = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 1), StockLine(productId: tee, quantity: 1)])
            let third = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 1)])
            let outcomes = try await inventory.reserve([first, second, third])
            #expect(outcomes[first.orderId] == .reserved)
            #expect(outcomes[third.orderId] == .reserved)
            guard case .rejected(_, let shortages) = outcomes[second.orderId] else {
                Issue.record("the second order was reserved")
                return
            }
            #expect(shortages == [StockShortage(productId: tee, requested: 1, available: 0)])
            #expect(try await counts(mug, database: database) == Stock(0, 3))
            #expect(try await counts(tee, database: database) == Stock(0, 1))
            #expect(try await ledgerCount(orderId: second.orderId, database: database) == 0)
        }
    }

    @Test func aRedeliveredReservationGetsTheSameOutcomeAndMovesNothing() async throws {
        try await TestDatabase.withDatabase { database in
            let product = try await newProduct(stock: 5, database: database)
            let inventory = InventoryRepository(database: database)
            let request = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 2)])
            #expect(try await inventory.reserve([request])[request.orderId] == .reserved)
            #expect(try await inventory.reserve([request])[request.orderId] == .reserved)
            #expect(try await inventory.reserve([request, request])[request.orderId] == .reserved)
            #expect(try await counts(product, database: database) == Stock(3, 2))
            #expect(try await ledgerCount(orderId: request.orderId, database: database) == 1)

            let tooMuch = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 4)])
            #expect(try await inventory.reserve([tooMuch])[tooMuch.orderId] != .reserved)
            // Stock comes back; the rejected order stays rejected: its outcome was decided.
            _ = try await inventory.release(orderId: request.orderId, reason: "test")
            #expect(try await inventory.reserve([tooMuch])[tooMuch.orderId] != .reserved)
            #expect(try await counts(product, database: database) == Stock(5, 0))
        }
    }

    @Test func releaseAndCommitSettleAReservationOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let product = try await newProduct(stock: 5, database: database)
            let inventory = InventoryRepository(database: database)
            let released = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 2)])
            let committed = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 1)])
            _ = try await inventory.reserve([released, committed])
            #expect(try await counts(product, database: database) == Stock(2, 3))

            #expect(try await inventory.release(orderId: released.orderId, reason: "payment declined") == [product])
            #expect(try await inventory.release(orderId: released.orderId, reason: "payment declined").isEmpty)
            #expect(try await counts(product, database: database) == Stock(4, 1))

            #expect(try await inventory.commit(orderId: committed.orderId) == [product])
            #expect(try await inventory.commit(orderId: committed.orderId).isEmpty)
            #expect(try await inventory.release(orderId: committed.orderId, reason: "too late").isEmpty)
            #expect(try await counts(product, database: database) == Stock(4, 0))
        }
    }

    @Test func aReleaseBeforeItsReservationLeavesATombstone() async throws {
        try await TestDatabase.withDatabase { database in
            let product = try await newProduct(stock: 5, database: database)
            let inventory = InventoryRepository(database: database)
            let request = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: product, quantity: 2)])
            #expect(try await inventory.release(orderId: request.orderId, reason: "order failed").isEmpty)
            guard case .rejected = try await inventory.reserve([request])[request.orderId] else {
                Issue.record("a late reservation held stock for a released order")
                return
            }
            #expect(try await counts(product, database: database) == Stock(5, 0))
        }
    }

    @Test func aBatchCommitsAndReleasesManyOrdersInOneTransactionOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let mug = try await newProduct(stock: 10, database: database)
            let tee = try await newProduct(stock: 10, database: database)
            let inventory = InventoryRepository(database: database)
            let paid = [
                ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 2), StockLine(productId: tee, quantity: 1)]),
                ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 1)]),
            ]
            let declined = ReserveInventory(orderId: UUID(), lines: [StockLine(productId: mug, quantity: 3), StockLine(productId: tee, quantity: 2)])
            _ = try await inventory.reserve(paid + [declined])
            #expect(try await counts(mug, database: database) == Stock(4, 6))

            let neverReserved = UUID()
            let committed = try await inventory.commit(orderIds: paid.map(\.orderId) + [paid[1].orderId, neverReserved])
            #expect(Set(committed[paid[0].orderId] ?? []) == [mug, tee])
            #expect(committed[paid[1].orderId] == [mug])
            #expect(committed[neverReserved] == nil)
            #expect(try await counts(mug, database: database) == Stock(4, 3))
            #expect(try await counts(tee, database: database) == Stock(7, 2))

            let released = try await inventory.release([(declined.orderId, "payment declined"), (paid[0].orderId, "too late")])
            #expect(Set(released[declined.orderId] ?? []) == [mug, tee])
            #expect(released[paid[0].orderId] == nil, "a committed order's stock is not released")
            #expect(try await counts(mug, database: database) == Stock(7, 0))
            #expect(try await counts(tee, database: database) == Stock(9, 0))

            // Redelivered: nothing moves again; the order that was never reserved stays a tombstone.
            #expect(try await inventory.commit(orderIds: paid.map(\.orderId)).isEmpty)
            #expect(try await inventory.release([(declined.orderId, "payment declined")]).isEmpty)
            #expect(try await counts(mug, database: database) == Stock(7, 0))
            #expect(try await ledgerCount(orderId: paid[0].orderId, database: database) == 4, "reserve and commit of two products")
            #expect(try await ledgerCount(orderId: declined.orderId, database: database) == 4, "reserve and release of two products")
            #expect(try await ledgerCount(orderId: neverReserved, database: database) == 0)
        }
    }
}
