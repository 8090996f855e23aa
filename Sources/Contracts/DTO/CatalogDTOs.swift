import Foundation

/// A product as the catalog shows it, with its stock.
public struct ProductDTO: Codable, Sendable, Hashable {
    public var id: UUID
    public var sku: String
    public var name: String
    public var description: String
    public var category: String
    public var price: Money
    /// Units available to order now (on hand minus reserved).
    public var stock: Int
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, sku: String, name: String, description: String, category: String,
        price: Money, stock: Int, active: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.price = price
        self.stock = stock
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `POST /products` (admin).
public struct CreateProductRequest: Codable, Sendable {
    public var sku: String
    public var name: String
    public var description: String?
    public var category: String
    public var price: Money
    public var stock: Int

    public init(sku: String, name: String, description: String?, category: String, price: Money, stock: Int) {
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.price = price
        self.stock = stock
    }
}
