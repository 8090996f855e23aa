import Contracts
import Foundation
import Testing
import TestSupport

/// `/inventories`: stock, admin adjustments applied by the `update-inventory` worker, and the ledger.
@Suite("Inventory")
struct InventoryTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test func showsAvailableAndReserved() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 12, adminToken: admin)
        let stock = try await shop.inventory(product.id)
        #expect(stock.productId == product.id && stock.available == 12 && stock.reserved == 0)
        expectProblem(try await shop.api.send(.GET, "/inventories/\(UUID().uuidString)"), 404, mentioning: "no product")
        expectProblem(try await shop.api.send(.GET, "/inventories/not-a-uuid"), 404)
    }

    @Test func adjustmentsAreAppliedByTheWorkerAndRecorded() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)

        let added = try await shop.adjust(product.id, .stockIn, 5, reason: "delivery 42", adminToken: admin)
        #expect(added.status == .applied && added.settledAt != nil)
        #expect(try await shop.inventory(product.id).available == 15)

        let removed = try await shop.adjust(product.id, .stockOut, 4, reason: "damaged in the warehouse", adminToken: admin)
        #expect(removed.status == .applied)
        #expect(try await shop.inventory(product.id).available == 11)
        #expect(try await shop.product(product.id).stock == 11)

        let ledger = try await shop.history(product.id, adminToken: admin)
        #expect(ledger.total == 3)
        #expect(ledger.items.map(\.kind) == ["adjust_out", "adjust_in", "initial"])
        #expect(ledger.items.map(\.availableChange) == [-4, 5, 10])
        #expect(ledger.items[0].adjustmentId == removed.id && ledger.items[0].reason == "damaged in the warehouse")
        #expect(ledger.items[1].adjustmentId == added.id && ledger.items[1].reason == "delivery 42")
        #expect(ledger.items[2].adjustmentId == nil && ledger.items[2].orderId == nil)

        let paged = try await shop.history(product.id, adminToken: admin, query: "?limit=2&page=2")
        #expect(paged.items.map(\.kind) == ["initial"] && paged.total == 3)
    }

    @Test func anOutBeyondTheAvailableStockIsRefusedAndRecorded() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 3, adminToken: admin)
        let refused = try await shop.adjust(product.id, .stockOut, 4, adminToken: admin)
        #expect(refused.status == .refused)
        #expect(refused.refusal?.contains("only 3 available") == true, "\(String(describing: refused.refusal))")
        #expect(try await shop.inventory(product.id).available == 3, "a refused adjustment changed the stock")
        #expect(try await shop.history(product.id, adminToken: admin).items.map(\.kind) == ["initial"])

        // Exactly what is available may go: stock reaches zero, never below.
        #expect(try await shop.adjust(product.id, .stockOut, 3, adminToken: admin).status == .applied)
        #expect(try await shop.inventory(product.id).available == 0)
    }

    @Test func reservedUnitsCannotBeTakenOut() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 5, token: customer.token).status == 200)
        let placed = try await shop.checkout(token: customer.token)
        try #require(placed.status == 202, "\(placed.text)")
        _ = try await shop.finalOrder(try placed.decode(OrderDTO.self).id, token: customer.token, timeout: .seconds(15))

        let refused = try await shop.adjust(product.id, .stockOut, 1, adminToken: admin)
        #expect(refused.status == .refused)
        #expect(try await shop.inventory(product.id).available == 0)
    }

    @Test func badAdjustmentsAreRefusedNamingEachField() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 3, adminToken: admin)
        let path = "/inventories/\(product.id.uuidString)/adjustments"

        let reply = try await shop.api.send(.POST, path, rawBody: #"{"type": "IN", "quantity": 0, "reason": "  "}"#, token: admin)
        expectProblem(reply, 400)
        #expect(Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? []) == ["quantity", "reason"])
        expectProblem(
            try await shop.api.send(.POST, path, rawBody: #"{"type": "SIDEWAYS", "quantity": 1, "reason": "x"}"#, token: admin), 400, field: "type"
        )
        expectProblem(
            try await shop.api.send(.POST, path, rawBody: #"{"type": "IN", "quantity": 1, "reason": "x", "note": "y"}"#, token: admin), 400,
            field: "note"
        )
        let tooLong = CreateInventoryAdjustmentRequest(type: .stockIn, quantity: 1, reason: String(repeating: "r", count: 501))
        expectProblem(try await shop.api.send(.POST, path, json: tooLong, token: admin), 400, field: "reason")
        let unknown = CreateInventoryAdjustmentRequest(type: .stockIn, quantity: 1, reason: "x")
        expectProblem(try await shop.api.send(.POST, "/inventories/\(UUID().uuidString)/adjustments", json: unknown, token: admin), 404)
        expectProblem(
            try await shop.api.send(.GET, "/inventories/\(product.id.uuidString)/adjustments/\(UUID().uuidString)", token: admin), 404
        )
        expectProblem(try await shop.api.send(.GET, "/inventories/\(product.id.uuidString)/history?limit=0", token: admin), 400, field: "limit")

        try await Task.sleep(for: .milliseconds(300))
        #expect(try await shop.inventory(product.id).available == 3)
        #expect(try await shop.history(product.id, adminToken: admin).total == 1, "a refused request was recorded")
    }
}
