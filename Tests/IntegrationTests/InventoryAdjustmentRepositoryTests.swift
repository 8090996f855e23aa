import CatalogCore
import Contracts
import Foundation
import Storage
import Testing
import TestSupport

/// Admins' stock adjustments against the real PostgreSQL of the test stack: applied once,
/// however often the worker is handed the same adjustment, and never below zero.
@Suite("Inventory adjustments (PostgreSQL)")
struct InventoryAdjustmentRepositoryTests {
    private func newProduct(stock: Int, database: Database) async throws -> UUID {
        try await Migrator(database: database).migrate(CatalogMigrations.schema)
        let sku = TestEnvironment.unique("ADJ").uppercased()
        let request = CreateProductRequest(
            sku: sku, name: sku, description: nil, category: "tests", price: Money(amount: 100, currency: "EUR"), stock: stock
        )
        return try #require(try await ProductRepository(database: database).create(request)).id
    }

    @Test func aRedeliveredAdjustmentIsAppliedOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let productId = try await newProduct(stock: 10, database: database)
            let adjustments = InventoryAdjustmentRepository(database: database)
            let recorded = try #require(
                try await adjustments.record(
                    productId: productId, request: CreateInventoryAdjustmentRequest(type: .stockIn, quantity: 4, reason: "delivery"),
                    requestedBy: UUID()
                ))
            #expect(recorded.status == .pending)

            guard case .applied(let applied) = try await adjustments.apply(id: recorded.id) else {
                Issue.record("the first delivery did not apply the adjustment")
                return
            }
            #expect(applied.status == .applied)
            guard case .alreadySettled = try await adjustments.apply(id: recorded.id) else {
                Issue.record("a redelivery was applied again")
                return
            }
            let stock = try await InventoryRepository(database: database).stock(productId: productId)
            #expect(stock?.available == 14)
            let history = try await InventoryRepository(database: database).history(productId: productId, page: 1, limit: 10)
            #expect(history.items.filter { $0.adjustmentId == recorded.id }.count == 1)
        }
    }

    @Test func concurrentDeliveriesApplyOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let productId = try await newProduct(stock: 5, database: database)
            let adjustments = InventoryAdjustmentRepository(database: database)
            let recorded = try #require(
                try await adjustments.record(
                    productId: productId, request: CreateInventoryAdjustmentRequest(type: .stockOut, quantity: 5, reason: "recount"),
                    requestedBy: UUID()
                ))
            let outcomes = try await withThrowingTaskGroup(of: AdjustmentApplication.self) { group in
                for _ in 0..<4 { group.addTask { try await adjustments.apply(id: recorded.id) } }
                return try await group.reduce(into: [AdjustmentApplication]()) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .applied = $0 { true } else { false } }.count == 1)
            #expect(try await InventoryRepository(database: database).stock(productId: productId)?.available == 0)
        }
    }

    @Test func unknownAdjustmentsAndInactiveProducts() async throws {
        try await TestDatabase.withDatabase { database in
            let productId = try await newProduct(stock: 1, database: database)
            let adjustments = InventoryAdjustmentRepository(database: database)
            #expect(try await adjustments.apply(id: UUID()) == .unknown)
            #expect(try await ProductRepository(database: database).deactivate(id: productId))
            let refused = try await adjustments.record(
                productId: productId, request: CreateInventoryAdjustmentRequest(type: .stockIn, quantity: 1, reason: "x"), requestedBy: UUID()
            )
            #expect(refused == nil, "an adjustment of a deleted product was recorded")
        }
    }
}
