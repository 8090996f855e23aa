import Contracts
import Foundation
import Testing
import TestSupport

/// `GET /orders` and `GET /orders/:id`.
@Suite("Orders: listing and history")
struct OrderListingTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    func list(_ query: String, token: String) async throws -> APIClient.Reply {
        try await shop.api.send(.GET, "/orders\(query)", token: token)
    }

    @Test("own orders only, newest first, paginated, filtered by status; history on the single order")
    func ownOrders() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 20, adminToken: admin)
        let customer = try await shop.newCustomer()
        let other = try await shop.newCustomer()
        let first = try await shop.placeOrder(product.id, quantity: 1, token: customer.token)
        let declined = try await shop.placeOrder(product.id, quantity: 1, paymentMethod: "tok_declined", token: customer.token)
        let third = try await shop.placeOrder(product.id, quantity: 1, token: customer.token)
        _ = try await shop.placeOrder(product.id, quantity: 1, token: other.token)

        let all = try await list("", token: customer.token)
        #expect(all.status == 200)
        let page = try all.decode(Page<OrderDTO>.self)
        #expect(page.total == 3)
        #expect(page.items.map(\.id) == [third.id, declined.id, first.id])
        #expect(page.items.allSatisfy { $0.userId == customer.user.id && $0.history == nil && !$0.lines.isEmpty })

        let paged = try await list("?page=2&limit=2", token: customer.token).decode(Page<OrderDTO>.self)
        #expect(paged.items.map(\.id) == [first.id])
        #expect(paged.page == 2 && paged.limit == 2 && paged.total == 3)

        let failed = try await list("?status=payment_failed", token: customer.token).decode(Page<OrderDTO>.self)
        #expect(failed.items.map(\.id) == [declined.id])
        #expect(failed.total == 1)

        let detail = try await shop.order(declined.id, token: customer.token)
        #expect(detail.history?.map(\.to) == [.pending, .reserved, .paymentFailed])
        #expect(detail.history?.first?.from == nil)
        #expect(detail.history?.last?.from == .reserved)
        #expect(detail.shippingAddress == Shop.address)
    }

    @Test("admins list every user's orders with all=true; customers get 403 for it")
    func adminListing() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 20, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 1, token: customer.token)

        let everything = try await list("?all=true&status=confirmed&limit=100", token: admin).decode(Page<OrderDTO>.self)
        #expect(everything.items.contains { $0.id == order.id })
        #expect(everything.items.allSatisfy { $0.status == .confirmed })
        #expect(try await shop.order(order.id, token: admin).id == order.id)
        expectProblem(try await list("?all=true", token: customer.token), 403)
        let own = try await list("?all=false", token: customer.token).decode(Page<OrderDTO>.self)
        #expect(own.items.map(\.id) == [order.id])
    }

    @Test("bad query parameters name each field")
    func badQuery() async throws {
        let customer = try await shop.newCustomer()
        let reply = try await list("?status=lost&page=0&limit=1000&all=maybe", token: customer.token)
        expectProblem(reply, 400)
        let fields = Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["status", "page", "limit", "all"])
        expectProblem(try await shop.api.send(.GET, "/orders/not-a-uuid", token: customer.token), 404, mentioning: "not a valid id")
        expectProblem(try await shop.api.send(.GET, "/orders/\(UUID().uuidString)", token: customer.token), 404)
    }
}
