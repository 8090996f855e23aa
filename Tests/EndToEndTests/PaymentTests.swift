import Contracts
import Foundation
import Testing
import TestSupport

/// The simulated payment provider's test tokens through the whole saga, and `GET /payments`.
@Suite("Payments: declines, transient failures, the payments record")
struct PaymentTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test("tok_visa: confirmed, one succeeded charge, stock taken")
    func approved() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, cents: 1500, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 2, token: customer.token)
        #expect(order.status == .confirmed)
        let payments = try await shop.payments(of: order.id, token: customer.token)
        #expect(payments.state == .paid)
        #expect(payments.attempts.map(\.status) == [.succeeded])
        #expect(payments.attempts.first?.amount == Money(amount: 3000, currency: "EUR"))
        #expect(payments.attempts.first?.paymentMethod == "tok_visa")
        #expect(payments.attempts.first?.reference?.isEmpty == false)
        try await shop.expectStock(product.id, 3, timeout: .seconds(10))
    }

    @Test("tok_declined: payment_failed, the stock comes back exactly, a payment-failed email")
    func declined() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 4, adminToken: admin)
        let customer = try await shop.newCustomer()
        let before = try await shop.product(product.id).stock
        let order = try await shop.placeOrder(product.id, quantity: 3, paymentMethod: "tok_declined", token: customer.token)
        #expect(order.status == .paymentFailed)
        #expect(order.statusReason?.contains("declined") == true)
        try await shop.expectStock(product.id, before, timeout: .seconds(10))

        let payments = try await shop.payments(of: order.id, token: customer.token)
        #expect(payments.state == .declined)
        #expect(payments.attempts.map(\.status) == [.declined])
        #expect(payments.attempts.first?.reason == "card declined")

        let mail = try MailCatcher()
        let email = try await APIClient.eventually(timeout: .seconds(10)) {
            try await mail.messages(to: customer.user.email).first { $0.subject.contains("Payment for your order \(order.id.uuidString) failed") }
        }
        #expect(email != nil, "no payment-failed email for \(order.id)")
        #expect(try await shop.cart(token: customer.token).lines.count == 1, "a failed order leaves the cart as it was")
    }

    @Test("tok_transient: two failed attempts recorded, retried by the runtime, then confirmed")
    func transientThenSucceeds() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 1, paymentMethod: "tok_transient", token: customer.token, timeout: .seconds(30))
        #expect(order.status == .confirmed)
        let payments = try await shop.payments(of: order.id, token: customer.token)
        #expect(payments.state == .paid)
        #expect(payments.attempts.map(\.status) == [.failed, .failed, .succeeded])
        #expect(payments.attempts.allSatisfy { $0.kind == .charge && $0.paymentMethod == "tok_transient" })
        #expect(payments.attempts.prefix(2).allSatisfy { $0.reason?.contains("unavailable") == true })
        try await shop.expectStock(product.id, 4, timeout: .seconds(10))
    }

    @Test("an unknown token is declined")
    func unknownToken() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 1, paymentMethod: "tok_nobody_knows", token: customer.token)
        #expect(order.status == .paymentFailed)
        #expect(try await shop.payments(of: order.id, token: customer.token).attempts.first?.reason == "unknown payment method")
        try await shop.expectStock(product.id, 5, timeout: .seconds(10))
    }

    @Test("GET /payments: the admin sees any order's, a missing order or a bad id is refused")
    func paymentLookups() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 1, token: customer.token)
        #expect(try await shop.payments(of: order.id, token: admin).orderId == order.id)
        expectProblem(try await shop.api.send(.GET, "/payments/\(UUID().uuidString)", token: customer.token), 404)
        expectProblem(try await shop.api.send(.GET, "/payments/not-a-uuid", token: customer.token), 404, mentioning: "not a valid id")
    }
}
