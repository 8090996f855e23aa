import Contracts
import Foundation
import Testing
import TestSupport

/// `GET /products`: filters, full-text search, sort orders and pagination. Each test uses a
/// category of its own, so other tests' products never get in the way.
@Suite("Product listing")
struct ProductListingTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    /// Four products in a new category: prices 500, 1500, 2500, 3500; the 2500 one sold out.
    private func catalog() async throws -> (category: String, products: [ProductDTO]) {
        let admin = try await shop.adminToken()
        let category = TestEnvironment.unique("list")
        var products: [ProductDTO] = []
        for (name, description, cents, stock) in [
            ("Delta Lamp", "A bright desk lamp", 2500, 0),
            ("Alpha Kettle", "Boils water quickly", 1500, 4),
            ("Charlie Mugs", "Two ceramic mugs", 500, 9),
            ("Bravo Teapot", "Porcelain, holds a litre", 3500, 2),
        ] {
            products.append(try await shop.create(
                shop.productRequest(category: category, name: name, description: description, cents: cents, stock: stock), adminToken: admin))
        }
        return (category, products)
    }

    @Test func filtersByCategoryPriceAndStock() async throws {
        let (category, _) = try await catalog()
        #expect(try await shop.products("?category=\(category)").total == 4)
        let range = try await shop.products("?category=\(category)&minPrice=1000&maxPrice=2500&sort=price")
        #expect(range.items.map(\.price.amount) == [1500, 2500])
        let inStock = try await shop.products("?category=\(category)&inStock=true&sort=price")
        #expect(inStock.items.map(\.price.amount) == [500, 1500, 3500])
        let soldOut = try await shop.products("?category=\(category)&inStock=false")
        #expect(soldOut.items.map(\.name) == ["Delta Lamp"])
    }

    @Test func searchesNameAndDescription() async throws {
        let (category, _) = try await catalog()
        #expect(try await shop.products("?category=\(category)&q=kettle").items.map(\.name) == ["Alpha Kettle"])
        #expect(try await shop.products("?category=\(category)&q=porcelain").items.map(\.name) == ["Bravo Teapot"])
        // Stemming: "mug" finds "Mugs", "boiling" finds "Boils".
        #expect(try await shop.products("?category=\(category)&q=mug").items.map(\.name) == ["Charlie Mugs"])
        #expect(try await shop.products("?category=\(category)&q=boiling%20water").items.map(\.name) == ["Alpha Kettle"])
        #expect(try await shop.products("?category=\(category)&q=zeppelin").total == 0)
    }

    @Test func sortsByEachDocumentedOrder() async throws {
        let (category, products) = try await catalog()
        let base = "?category=\(category)&sort="
        #expect(try await shop.products(base + "price").items.map(\.price.amount) == [500, 1500, 2500, 3500])
        #expect(try await shop.products(base + "-price").items.map(\.price.amount) == [3500, 2500, 1500, 500])
        #expect(try await shop.products(base + "name").items.map(\.name) == ["Alpha Kettle", "Bravo Teapot", "Charlie Mugs", "Delta Lamp"])
        #expect(try await shop.products(base + "-name").items.map(\.name) == ["Delta Lamp", "Charlie Mugs", "Bravo Teapot", "Alpha Kettle"])
        #expect(try await shop.products(base + "createdAt").items.map(\.id) == products.map(\.id))
        #expect(try await shop.products(base + "-createdAt").items.map(\.id) == products.reversed().map(\.id))
    }

    @Test func paginates() async throws {
        let (category, _) = try await catalog()
        let first = try await shop.products("?category=\(category)&sort=price&limit=3&page=1")
        let second = try await shop.products("?category=\(category)&sort=price&limit=3&page=2")
        let third = try await shop.products("?category=\(category)&sort=price&limit=3&page=3")
        #expect(first.items.map(\.price.amount) == [500, 1500, 2500])
        #expect(second.items.map(\.price.amount) == [3500])
        #expect(third.items.isEmpty)
        #expect(first.total == 4 && second.total == 4 && third.total == 4)
        #expect(first.page == 1 && first.limit == 3 && second.page == 2)
    }

    @Test func refusesBadParametersNamingEach() async throws {
        let reply = try await shop.api.send(
            .GET, "/products?page=0&limit=500&minPrice=-1&maxPrice=abc&inStock=maybe&sort=popularity&q=" + String(repeating: "a", count: 101)
        )
        expectProblem(reply, 400)
        let fields = Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["page", "limit", "minPrice", "maxPrice", "inStock", "sort", "q"])
        expectProblem(try await shop.api.send(.GET, "/products?minPrice=500&maxPrice=100"), 400, field: "maxPrice")
    }
}
