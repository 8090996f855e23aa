import Contracts
import Foundation
import Testing
import TestSupport

/// The walking skeleton end to end: a REST checkout through the gateway ends as an email.
@Suite("Checkout through the gateway")
struct CheckoutFlowTests {
    @Test("register → login → products → cart → checkout → confirmed → email → empty cart → stock down")
    func happyPath() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let mug = try await shop.newProduct(stock: 20, cents: 1299, adminToken: admin)
        let tee = try await shop.newProduct(stock: 7, cents: 2500, adminToken: admin)
        let customer = try await shop.newCustomer()

        let listed = try await shop.api.send(.GET, "/products?limit=100")
        #expect(listed.status == 200)
        let page = try listed.decode(Page<ProductDTO>.self)
        #expect(page.items.contains { $0.id == mug.id })
        #expect(page.items.contains { $0.id == tee.id })

        #expect(try await shop.addToCart(mug.id, quantity: 2, token: customer.token).status == 200)
        #expect(try await shop.addToCart(tee.id, quantity: 1, token: customer.token).status == 200)
        let cart = try await shop.cart(token: customer.token)
        #expect(cart.lines.count == 2)
        #expect(cart.total == Money(amount: 2 * 1299 + 2500, currency: "EUR"))

        let placed = try await shop.checkout(token: customer.token)
        try #require(placed.status == 202, "checkout answered \(placed.status): \(placed.text)")
        let pending = try placed.decode(OrderDTO.self)
        #expect(pending.status == .pending)
        #expect(pending.total == cart.total)
        #expect(placed.headers.first(name: "location") == "/orders/\(pending.id.uuidString)")

        let order = try await shop.finalOrder(pending.id, token: customer.token, timeout: .seconds(10))
        #expect(order.status == .confirmed)

        let orderId = pending.id.uuidString
        let mail = try MailCatcher()
        let email = try await APIClient.eventually(timeout: .seconds(10)) {
            try await mail.messages(to: customer.user.email).first { $0.subject.contains(orderId) }
        }
        let confirmation = try #require(email, "no confirmation email for order \(orderId)")
        #expect(confirmation.recipients.contains(customer.user.email))
        #expect(confirmation.raw.contains(orderId))
        #expect(confirmation.raw.contains(mug.name))
        #expect(confirmation.raw.contains(tee.name))
        #expect(confirmation.raw.contains("50.98 EUR"))

        let emptied = try await APIClient.eventually(timeout: .seconds(10)) { () async throws -> CartDTO? in
            let cart = try await shop.cart(token: customer.token)
            return cart.lines.isEmpty ? cart : nil
        }
        #expect(emptied != nil, "the cart still holds the ordered lines")

        #expect(try await shop.product(mug.id).stock == 18)
        #expect(try await shop.product(tee.id).stock == 6)
    }

    @Test("an order for more than is in stock is rejected and emailed, and holds no stock")
    func outOfStockRejection() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let scarce = try await shop.newProduct(stock: 3, adminToken: admin)
        let first = try await shop.newCustomer()
        let second = try await shop.newCustomer()
        #expect(try await shop.addToCart(scarce.id, quantity: 3, token: first.token).status == 200)
        #expect(try await shop.addToCart(scarce.id, quantity: 2, token: second.token).status == 200)

        let winner = try await shop.checkout(token: first.token).decode(OrderDTO.self)
        #expect(try await shop.finalOrder(winner.id, token: first.token, timeout: .seconds(10)).status == .confirmed)
        let loser = try await shop.checkout(token: second.token).decode(OrderDTO.self)
        let rejected = try await shop.finalOrder(loser.id, token: second.token, timeout: .seconds(10))
        #expect(rejected.status == .rejected)
        #expect(rejected.statusReason?.contains("not enough stock") == true)

        let orderId = loser.id.uuidString
        let mail = try MailCatcher()
        let email = try await APIClient.eventually(timeout: .seconds(10)) {
            try await mail.messages(to: second.user.email).first { $0.subject.contains(orderId) }
        }
        #expect(email != nil, "no rejection email for order \(orderId)")
        #expect(try await shop.product(scarce.id).stock == 0)
        // The rejected customer's cart is untouched: they can change it and try again.
        #expect(try await shop.cart(token: second.token).lines.first?.quantity == 2)
    }
}
