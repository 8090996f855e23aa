import Contracts
import Foundation
import Testing
import TestSupport

/// Catalog, inventory and cart helpers for the tests of those routes.
extension Shop {
    /// A product request with a unique SKU, in `category`.
    func productRequest(category: String = "tests", name: String? = nil, description: String = "made by a test", cents: Int = 1000, stock: Int = 10)
        -> CreateProductRequest
    {
        let sku = TestEnvironment.unique("SKU").uppercased()
        return CreateProductRequest(
            sku: sku, name: name ?? "Product \(sku)", description: description, category: category,
            price: Money(amount: cents, currency: "EUR"), stock: stock
        )
    }

    /// Creates `request` as the admin and returns the product.
    func create(_ request: CreateProductRequest, adminToken: String) async throws -> ProductDTO {
        let reply = try await api.send(.POST, "/products", json: request, token: adminToken)
        try #require(reply.status == 201, "create product answered \(reply.status): \(reply.text)")
        return try reply.decode(ProductDTO.self)
    }

    /// The product's stock as `GET /inventories/:id` reports it.
    func inventory(_ productId: UUID) async throws -> InventoryDTO {
        let reply = try await api.send(.GET, "/inventories/\(productId.uuidString)")
        try #require(reply.status == 200, "inventory answered \(reply.status): \(reply.text)")
        return try reply.decode(InventoryDTO.self)
    }

    /// Posts an adjustment (expecting `202`) and waits until the worker settled it.
    func adjust(
        _ productId: UUID, _ type: InventoryAdjustmentType, _ quantity: Int, reason: String = "test adjustment", adminToken: String
    ) async throws -> InventoryAdjustmentDTO {
        let reply = try await api.send(
            .POST, "/inventories/\(productId.uuidString)/adjustments",
            json: CreateInventoryAdjustmentRequest(type: type, quantity: quantity, reason: reason), token: adminToken
        )
        try #require(reply.status == 202, "adjustment answered \(reply.status): \(reply.text)")
        let accepted = try reply.decode(InventoryAdjustmentDTO.self)
        let location = try #require(reply.headers.first(name: "location"))
        let settled = try await APIClient.eventually(timeout: .seconds(10), interval: .milliseconds(100)) {
            () async throws -> InventoryAdjustmentDTO? in
            let adjustment = try await api.send(.GET, location, token: adminToken).decode(InventoryAdjustmentDTO.self)
            return adjustment.status == .pending ? nil : adjustment
        }
        return try #require(settled, "adjustment \(accepted.id) was not settled within 10 s")
    }

    /// The product's ledger, newest first.
    func history(_ productId: UUID, adminToken: String, query: String = "") async throws -> Page<InventoryMovementDTO> {
        let reply = try await api.send(.GET, "/inventories/\(productId.uuidString)/history\(query)", token: adminToken)
        try #require(reply.status == 200, "history answered \(reply.status): \(reply.text)")
        return try reply.decode(Page<InventoryMovementDTO>.self)
    }

    /// `GET /products` with `query` (e.g. `?category=x&sort=price`).
    func products(_ query: String) async throws -> Page<ProductDTO> {
        let reply = try await api.send(.GET, "/products\(query)")
        try #require(reply.status == 200, "GET /products\(query) answered \(reply.status): \(reply.text)")
        return try reply.decode(Page<ProductDTO>.self)
    }

    /// Waits until the product shows `stock` units (the catalog cache is dropped on every stock
    /// change, by the services and the workers), and records an issue if it never does.
    func expectStock(
        _ productId: UUID, _ stock: Int, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let shown = try await APIClient.eventually(timeout: timeout, interval: .milliseconds(200)) { () async throws -> Int? in
            let current = try await product(productId).stock
            return current == stock ? current : nil
        }
        #expect(shown == stock, "product \(productId) never showed \(stock) in stock", sourceLocation: sourceLocation)
    }
}
