import Contracts
import Foundation
import Testing

@Suite("Message coding")
struct MessageCodingTests {
    let orderId = UUID()
    let userId = UUID()
    let productId = UUID()

    @Test func everyMessageRoundTripsThroughItsQueueType() throws {
        let placed = OrderPlaced(orderId: orderId, userId: userId, lines: [StockLine(productId: productId, quantity: 2)])
        #expect(try CheckoutEvent.decode(type: "order.placed", body: placed.encodedBody()) == .orderPlaced(placed))

        let reserved = InventoryReserved(orderId: orderId)
        #expect(try CheckoutEvent.decode(type: "inventory.reserved", body: reserved.encodedBody()) == .inventoryReserved(reserved))

        let rejected = InventoryRejected(
            orderId: orderId, reason: "not enough stock", shortages: [StockShortage(productId: productId, requested: 3, available: 1)]
        )
        #expect(try CheckoutEvent.decode(type: "inventory.rejected", body: rejected.encodedBody()) == .inventoryRejected(rejected))

        let reserve = ReserveInventory(orderId: orderId, lines: [StockLine(productId: productId, quantity: 1)])
        #expect(try InventoryCommand.decode(type: "inventory.reserve", body: reserve.encodedBody()) == .reserve(reserve))
        let release = ReleaseInventory(orderId: orderId, reason: "payment declined")
        #expect(try InventoryCommand.decode(type: "inventory.release", body: release.encodedBody()) == .release(release))
        let commit = CommitInventory(orderId: orderId)
        #expect(try InventoryCommand.decode(type: "inventory.commit", body: commit.encodedBody()) == .commit(commit))
        let adjust = AdjustInventory(adjustmentId: UUID(), productId: productId)
        #expect(try InventoryCommand.decode(type: "inventory.adjust", body: adjust.encodedBody()) == .adjust(adjust))
        #expect(try InventoryCommand.decode(type: "inventory.adjust", body: adjust.encodedBody()).orderId == nil)

        let clear = ClearCart(userId: userId, orderId: orderId, lines: [StockLine(productId: productId, quantity: 4)])
        #expect(try ClearCart.decode(type: "cart.clear", body: clear.encodedBody()) == clear)

        let email = SendEmail(
            idempotencyKey: "order-confirmed:\(orderId)", to: "a@example.com", template: .orderConfirmed,
            variables: ["orderId": .string(orderId.uuidString), "lines": [["quantity": 2, "price": 1.5]], "paid": true, "note": .null]
        )
        #expect(try SendEmail.decode(type: "email.send", body: email.encodedBody()) == email)
    }

    @Test func eachMessageNamesItsQueue() {
        #expect(OrderPlaced.queue == .checkout)
        #expect(InventoryReserved.queue == .checkout)
        #expect(InventoryRejected.queue == .checkout)
        #expect(ReserveInventory.queue == .updateInventory)
        #expect(ReleaseInventory.queue == .updateInventory)
        #expect(CommitInventory.queue == .updateInventory)
        #expect(ClearCart.queue == .clearCart)
        #expect(SendEmail.queue == .sendEmail)
        #expect(QueueName.allCases.map(\.rawValue) == ["checkout", "update-inventory", "clear-cart", "send-email"])
    }

    @Test func theWireFormatIsCamelCaseJSON() throws {
        let placed = OrderPlaced(orderId: orderId, userId: userId, lines: [StockLine(productId: productId, quantity: 2)])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(placed.encodedBody())) as? [String: Any])
        #expect(json["orderId"] as? String == orderId.uuidString)
        #expect(json["userId"] as? String == userId.uuidString)
        let lines = try #require(json["lines"] as? [[String: Any]])
        #expect(lines.first?["quantity"] as? Int == 2)
    }

    @Test func anUnknownTypeIsRefusedNamingTheExpectedOnes() throws {
        let body = try InventoryReserved(orderId: orderId).encodedBody()
        #expect(
            throws: MessageDecodingError.unexpectedType(
                "order.shipped", expected: ["order.placed", "inventory.reserved", "inventory.rejected", "order.cancelled"])
        ) {
            try CheckoutEvent.decode(type: "order.shipped", body: body)
        }
        #expect(throws: MessageDecodingError.self) {
            try ClearCart.decode(type: "email.send", body: body)
        }
    }

    @Test func aMessageWithoutTypeDecodesForASingleTypeQueue() throws {
        let clear = ClearCart(userId: userId, orderId: orderId, lines: [])
        #expect(try ClearCart.decode(type: nil, body: clear.encodedBody()) == clear)
    }

    @Test func aBadBodyNamesTheField() {
        let body = Array(#"{"orderId": "not-a-uuid", "userId": "\#(userId)", "lines": []}"#.utf8)
        do {
            _ = try OrderPlaced.decode(type: "order.placed", body: body)
            Issue.record("decoded a bad body")
        } catch let error as MessageDecodingError {
            #expect(error.description.contains("orderId"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let missing = Array(#"{"orderId": "\#(orderId)"}"#.utf8)
        #expect(throws: MessageDecodingError.invalidBody(type: "ClearCart", reason: "userId: is required")) {
            try ClearCart.decode(type: "cart.clear", body: missing)
        }
        #expect(throws: MessageDecodingError.invalidBody(type: "InventoryReserved", reason: "malformed JSON: expected a member name in quotes, found 'n' at byte 1")) {
            try InventoryReserved.decode(type: nil, body: Array("{nope".utf8))
        }
    }
}
