import Contracts
import Foundation
import Testing
import TestSupport

/// `POST /orders/:id/cancel` and `POST /orders/:id/ship`: the state machine after checkout,
/// its compensation (stock, refund, email) and its races with the saga.
@Suite("Orders: cancel and ship")
struct OrderLifecycleTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    func cancel(_ orderId: UUID, token: String) async throws -> APIClient.Reply {
        try await shop.api.send(.POST, "/orders/\(orderId.uuidString)/cancel", token: token)
    }

    func ship(_ orderId: UUID, token: String, trackingNumber: String? = nil) async throws -> APIClient.Reply {
        try await shop.api.send(
            .POST, "/orders/\(orderId.uuidString)/ship", json: trackingNumber.map { ShipOrderRequest(trackingNumber: $0) }, token: token)
    }

    @Test("cancelling a confirmed order returns its stock exactly, refunds the charge and emails; a second cancel changes nothing")
    func cancelConfirmed() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, cents: 700, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 3, token: customer.token)
        try #require(order.status == .confirmed)
        try await shop.expectStock(product.id, 7)

        let reply = try await cancel(order.id, token: customer.token)
        try #require(reply.status == 200, "cancel answered \(reply.status): \(reply.text)")
        let cancelled = try reply.decode(OrderDTO.self)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.history?.map(\.to) == [.pending, .reserved, .confirmed, .cancelled])
        try await shop.expectStock(product.id, 10)

        let refunded = try await APIClient.eventually(timeout: .seconds(10)) { () async throws -> OrderPaymentsDTO? in
            let payments = try await shop.payments(of: order.id, token: customer.token)
            return payments.state == .refunded ? payments : nil
        }
        let payments = try #require(refunded, "the charge of \(order.id) was never refunded")
        #expect(payments.attempts.map(\.kind) == [.charge, .refund])
        #expect(payments.attempts.last?.amount == Money(amount: 2100, currency: "EUR"))

        let mail = try MailCatcher()
        let email = try await APIClient.eventually(timeout: .seconds(10)) {
            try await mail.messages(to: customer.user.email).first { $0.subject.contains("Your order \(order.id.uuidString) is cancelled") }
        }
        #expect(email?.raw.contains("21.00 EUR") == true, "the cancellation email should name the refund")

        let second = try await cancel(order.id, token: customer.token)
        #expect(second.status == 200, "a second cancel answered \(second.status): \(second.text)")
        #expect(try second.decode(OrderDTO.self).status == .cancelled)
        try await Task.sleep(for: .seconds(1))
        #expect(try await shop.product(product.id).stock == 10, "a second cancel must not return the stock twice")
        #expect(try await shop.payments(of: order.id, token: customer.token).attempts.count == 2)
        expectProblem(try await ship(order.id, token: admin), 409, mentioning: "cancelled")
    }

    @Test("orders cancelled while the saga runs end cancelled with their stock back exactly and no money kept")
    func cancelDuringTheSaga() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 50, adminToken: admin)
        let customers = try await withThrowingTaskGroup(of: Shop.Customer.self) { group in
            for index in 0..<6 { group.addTask { try await shop.newCustomer(name: "Racer \(index)") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for customer in customers {
            #expect(try await shop.addToCart(product.id, quantity: 2, token: customer.token).status == 200)
        }
        let orders = try await withThrowingTaskGroup(of: (OrderDTO, String).self) { group in
            for customer in customers {
                group.addTask {
                    let placed = try await shop.checkout(token: customer.token)
                    try #require(placed.status == 202, "checkout answered \(placed.status): \(placed.text)")
                    let order = try placed.decode(OrderDTO.self)
                    let reply = try await cancel(order.id, token: customer.token)
                    try #require(reply.status == 200, "cancel answered \(reply.status): \(reply.text)")
                    return (order, customer.token)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await shop.expectStock(product.id, 50)
        for (order, token) in orders {
            #expect(try await shop.order(order.id, token: token).status == .cancelled)
            let settled = try await APIClient.eventually(timeout: .seconds(10)) { () async throws -> OrderPaymentsDTO? in
                let payments = try await shop.payments(of: order.id, token: token)
                return payments.state == .paid ? nil : payments
            }
            let state = try #require(settled, "order \(order.id) kept a captured charge").state
            #expect(state == .unpaid || state == .refunded)
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await shop.product(product.id).stock == 50, "late saga steps must not take the stock again")
    }

    @Test("ship: admin only, confirmed orders only; shipped orders cannot be cancelled")
    func shipping() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 1, token: customer.token)
        try #require(order.status == .confirmed)

        expectProblem(try await ship(order.id, token: customer.token), 403)
        expectProblem(try await ship(order.id, token: admin, trackingNumber: ""), 400, field: "trackingNumber")
        let shipped = try await ship(order.id, token: admin, trackingNumber: "TRACK-123")
        try #require(shipped.status == 200, "ship answered \(shipped.status): \(shipped.text)")
        #expect(try shipped.decode(OrderDTO.self).status == .shipped)
        #expect(try shipped.decode(OrderDTO.self).history?.last?.to == .shipped)
        #expect(try shipped.decode(OrderDTO.self).trackingNumber == "TRACK-123")
        // Again, at once: a no-op whose email message (the same key) may be handled while the
        // first one is being sent; the customer still gets one email.
        let again = try await ship(order.id, token: admin)
        #expect(again.status == 200, "shipping again is a no-op")
        #expect(try again.decode(OrderDTO.self).trackingNumber == "TRACK-123", "the recorded tracking number stays")
        expectProblem(try await ship(order.id, token: admin, trackingNumber: "OTHER-9"), 409, mentioning: "TRACK-123")

        let mail = try MailCatcher()
        let subject = "Your order \(order.id.uuidString) has shipped"
        let email = try await APIClient.eventually(timeout: .seconds(10)) {
            try await mail.messages(to: customer.user.email).first { $0.subject.contains(subject) }
        }
        #expect(email?.raw.contains("TRACK-123") == true, "the shipping email should carry the tracking number")
        try await Task.sleep(for: .seconds(2))  // the second message's retry, after its backoff
        #expect(try await mail.messages(to: customer.user.email).filter { $0.subject.contains(subject) }.count == 1)

        expectProblem(try await cancel(order.id, token: customer.token), 409, mentioning: "shipped")
        expectProblem(try await cancel(order.id, token: admin), 409, mentioning: "shipped")
        #expect(try await shop.order(order.id, token: customer.token).status == .shipped)
        expectProblem(try await ship(UUID(), token: admin), 404)
    }

    @Test("a failed order cannot be cancelled or shipped; the admin may cancel any customer's order")
    func finishedOrders() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        let failed = try await shop.placeOrder(product.id, quantity: 1, paymentMethod: "tok_declined", token: customer.token)
        try #require(failed.status == .paymentFailed)
        expectProblem(try await cancel(failed.id, token: customer.token), 409, mentioning: "payment_failed")
        expectProblem(try await ship(failed.id, token: admin), 409, mentioning: "confirmed")

        let confirmed = try await shop.placeOrder(product.id, quantity: 2, token: customer.token)
        let byAdmin = try await cancel(confirmed.id, token: admin)
        #expect(byAdmin.status == 200, "admin cancel answered \(byAdmin.status): \(byAdmin.text)")
        #expect(try byAdmin.decode(OrderDTO.self).statusReason == "cancelled by an admin")
        try await shop.expectStock(product.id, 10)
        expectProblem(try await cancel(UUID(), token: customer.token), 404)
    }
}
