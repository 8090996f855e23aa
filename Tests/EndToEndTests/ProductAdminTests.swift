import Contracts
import Foundation
import Testing
import TestSupport

/// The admin's product routes: create, replace, patch, soft delete, bulk; SKU uniqueness.
@Suite("Product administration")
struct ProductAdminTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test func createAnswersTheProductAndRefusesATakenSKU() async throws {
        let admin = try await shop.adminToken()
        let request = shop.productRequest(stock: 7)
        let reply = try await shop.api.send(.POST, "/products", json: request, token: admin)
        #expect(reply.status == 201)
        let product = try reply.decode(ProductDTO.self)
        #expect(reply.headers.first(name: "location") == "/products/\(product.id.uuidString)")
        #expect(product.sku == request.sku && product.stock == 7 && product.active)
        #expect(try await shop.product(product.id) == product)

        var again = shop.productRequest()
        again.sku = request.sku
        expectProblem(try await shop.api.send(.POST, "/products", json: again, token: admin), 409, mentioning: request.sku)
    }

    @Test func createNamesEveryBadField() async throws {
        let admin = try await shop.adminToken()
        let bad = CreateProductRequest(
            sku: "bad sku!", name: "", description: String(repeating: "x", count: 5001), category: "Upper",
            price: Money(amount: -1, currency: "euro"), stock: -5
        )
        let reply = try await shop.api.send(.POST, "/products", json: bad, token: admin)
        expectProblem(reply, 400)
        let fields = Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["sku", "name", "description", "category", "price.amount", "price.currency", "stock"])
    }

    @Test func replaceChangesEveryFieldButStock() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, cents: 1000, adminToken: admin)
        let sku = TestEnvironment.unique("NEW").uppercased()
        let replacement = ReplaceProductRequest(
            sku: sku, name: "Replaced", description: nil, category: "replaced", price: Money(amount: 2500, currency: "EUR")
        )
        let reply = try await shop.api.send(.PUT, "/products/\(product.id.uuidString)", json: replacement, token: admin)
        try #require(reply.status == 200, "\(reply.text)")
        let replaced = try reply.decode(ProductDTO.self)
        #expect(replaced.sku == sku && replaced.name == "Replaced" && replaced.description == "" && replaced.category == "replaced")
        #expect(replaced.price == Money(amount: 2500, currency: "EUR"))
        #expect(replaced.stock == 5, "PUT must not touch the stock")
        #expect(replaced.updatedAt >= product.updatedAt)
        #expect(try await shop.product(product.id) == replaced)

        let missingField = try await shop.api.send(
            .PUT, "/products/\(product.id.uuidString)", rawBody: #"{"sku": "X-1", "name": "n", "category": "c"}"#, token: admin
        )
        expectProblem(missingField, 400, field: "price")
        expectProblem(
            try await shop.api.send(.PUT, "/products/\(UUID().uuidString)", json: replacement, token: admin), 404, mentioning: "no active product"
        )
    }

    @Test func patchChangesOnlyTheFieldsSent() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, cents: 1000, adminToken: admin)
        let reply = try await shop.api.send(
            .PATCH, "/products/\(product.id.uuidString)", json: UpdateProductRequest(price: Money(amount: 1999, currency: "EUR")), token: admin
        )
        try #require(reply.status == 200, "\(reply.text)")
        let patched = try reply.decode(ProductDTO.self)
        #expect(patched.price.amount == 1999)
        #expect(patched.name == product.name && patched.sku == product.sku && patched.category == product.category)

        expectProblem(
            try await shop.api.send(.PATCH, "/products/\(product.id.uuidString)", rawBody: "{}", token: admin), 400, field: "body"
        )
        expectProblem(
            try await shop.api.send(.PATCH, "/products/\(product.id.uuidString)", rawBody: #"{"stock": 3}"#, token: admin), 400,
            mentioning: "not a known field", field: "stock"
        )
        expectProblem(
            try await shop.api.send(.PATCH, "/products/\(product.id.uuidString)", json: UpdateProductRequest(name: " "), token: admin), 400,
            field: "name"
        )
        #expect(try await shop.product(product.id).price.amount == 1999, "a refused patch changed the product")
    }

    @Test func changingToATakenSKUConflicts() async throws {
        let admin = try await shop.adminToken()
        let first = try await shop.newProduct(stock: 1, adminToken: admin)
        let second = try await shop.newProduct(stock: 1, adminToken: admin)
        let reply = try await shop.api.send(
            .PATCH, "/products/\(second.id.uuidString)", json: UpdateProductRequest(sku: first.sku), token: admin
        )
        expectProblem(reply, 409, mentioning: first.sku)
        #expect(try await shop.product(second.id).sku == second.sku)
    }

    @Test func deleteIsSoft() async throws {
        let admin = try await shop.adminToken()
        let category = TestEnvironment.unique("deleted")
        let product = try await shop.create(shop.productRequest(category: category, stock: 3), adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)

        let deleted = try await shop.api.send(.DELETE, "/products/\(product.id.uuidString)", token: admin)
        #expect(deleted.status == 204)

        let readable = try await shop.product(product.id)
        #expect(readable.active == false, "a deleted product stays readable by id, inactive")
        #expect(try await shop.products("?category=\(category)").items.isEmpty, "a deleted product is still listed")
        expectProblem(try await shop.addToCart(product.id, quantity: 1, token: customer.token), 422, field: "productId")
        #expect(try await shop.cart(token: customer.token).lines.isEmpty, "a deleted product is still charged in the cart")
        expectProblem(try await shop.api.send(.DELETE, "/products/\(product.id.uuidString)", token: admin), 404)
        expectProblem(
            try await shop.api.send(.PATCH, "/products/\(product.id.uuidString)", json: UpdateProductRequest(name: "Back"), token: admin), 404
        )
    }

    @Test func bulkCreatesEveryProduct() async throws {
        let admin = try await shop.adminToken()
        let category = TestEnvironment.unique("bulk")
        let items = (0..<3).map { shop.productRequest(category: category, cents: 100 * ($0 + 1), stock: $0) }
        let reply = try await shop.api.send(.POST, "/products/bulk", json: BulkCreateProductsRequest(items: items), token: admin)
        try #require(reply.status == 201, "\(reply.text)")
        let created = try reply.decode(BulkCreateProductsResponse.self).items
        #expect(created.map(\.sku) == items.map(\.sku))
        #expect(try await shop.products("?category=\(category)").total == 3)
    }

    @Test func bulkIsAllOrNothing() async throws {
        let admin = try await shop.adminToken()
        let existing = try await shop.newProduct(stock: 1, adminToken: admin)
        let category = TestEnvironment.unique("bulk")

        // Invalid rows: each named by position, nothing written.
        var invalid = (0..<4).map { _ in shop.productRequest(category: category) }
        invalid[1].name = ""
        invalid[3].price = Money(amount: -5, currency: "EUR")
        invalid[2].sku = invalid[0].sku
        let refused = try await shop.api.send(.POST, "/products/bulk", json: BulkCreateProductsRequest(items: invalid), token: admin)
        expectProblem(refused, 400, field: "items[3].price.amount")
        let fields = Set((try? refused.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["items[1].name", "items[2].sku", "items[3].price.amount"])

        // A SKU already in the catalog: 409 naming the row, and the valid rows are not created either.
        var clash = (0..<3).map { _ in shop.productRequest(category: category) }
        clash[2].sku = existing.sku
        let conflict = try await shop.api.send(.POST, "/products/bulk", json: BulkCreateProductsRequest(items: clash), token: admin)
        expectProblem(conflict, 409, field: "items[2].sku")
        #expect(try await shop.products("?category=\(category)").total == 0, "a refused bulk request wrote products")

        expectProblem(try await shop.api.send(.POST, "/products/bulk", json: BulkCreateProductsRequest(items: []), token: admin), 400, field: "items")
    }
}
