import Contracts
import Foundation
import Synchronization
import Testing
import TestSupport

/// Many customers checking out one product at once, each with one unit in the cart.
struct CheckoutLoad {
    let shop: Shop
    let product: ProductDTO
    let initialStock: Int
    let customers: [Shop.Customer]

    /// The outcome of one checkout request.
    enum Attempt: Sendable {
        case accepted(orderId: UUID)
        /// Refused (`503` while a dependency was down): the order, if any, must be `failed`.
        case refused(status: Int)
    }

    /// Creates the product and `count` customers, each with one unit in the cart.
    static func prepare(customers count: Int, stock: Int, shop: Shop) async throws -> CheckoutLoad {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: stock, adminToken: admin)
        let customers = try await forEach(Array(0..<count), parallel: 24) { index in
            let customer = try await shop.newCustomer(name: "Load \(index)")
            let added = try await shop.addToCart(product.id, quantity: 1, token: customer.token)
            try #require(added.status == 200, "add to cart answered \(added.status): \(added.text)")
            return customer
        }
        return CheckoutLoad(shop: shop, product: product, initialStock: stock, customers: customers)
    }

    /// Checks every customer out, `parallel` at a time; once `disruptAfter` checkouts were
    /// sent, `disruption` runs alongside the rest.
    func checkoutAll(parallel: Int, disruptAfter: Int, disruption: @escaping @Sendable () async throws -> Void) async throws -> [Attempt] {
        let sent = Counter()
        return try await withThrowingTaskGroup(of: [Attempt].self) { group in
            group.addTask {
                while sent.value < disruptAfter {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await disruption()
                return []
            }
            group.addTask {
                try await forEach(customers, parallel: parallel) { customer in
                    sent.increment()
                    let reply = try await shop.checkout(token: customer.token)
                    if reply.status == 202 {
                        return .accepted(orderId: try reply.decode(OrderDTO.self).id)
                    }
                    #expect(reply.status == 503, "checkout answered \(reply.status): \(reply.text)")
                    return .refused(status: reply.status)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Runs `body` on each element, `parallel` at a time, and returns the results in order.
    static func forEach<Element: Sendable, Result: Sendable>(
        _ elements: [Element], parallel: Int, _ body: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: elements.count)
            var next = 0
            while next < min(parallel, elements.count) {
                let index = next
                group.addTask { (index, try await body(elements[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < elements.count {
                    let index = next
                    group.addTask { (index, try await body(elements[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }

    func forEach<Element: Sendable, Result: Sendable>(
        _ elements: [Element], parallel: Int, _ body: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        try await Self.forEach(elements, parallel: parallel, body)
    }
}

/// A thread-safe counter for test bookkeeping.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
