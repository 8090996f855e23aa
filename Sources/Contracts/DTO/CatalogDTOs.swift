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

/// `PUT /products/:id` (admin): every descriptive field of the product, replaced at once.
/// Stock is not part of a product's description: it changes only through inventory
/// adjustments and orders.
public struct ReplaceProductRequest: Codable, Sendable {
    public var sku: String
    public var name: String
    public var description: String?
    public var category: String
    public var price: Money

    public init(sku: String, name: String, description: String?, category: String, price: Money) {
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.price = price
    }
}

/// `PATCH /products/:id` (admin): only the fields present change.
public struct UpdateProductRequest: Codable, Sendable {
    public var sku: String?
    public var name: String?
    public var description: String?
    public var category: String?
    public var price: Money?

    public init(sku: String? = nil, name: String? = nil, description: String? = nil, category: String? = nil, price: Money? = nil) {
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.price = price
    }
}

/// `POST /products/bulk` (admin): products created all together or not at all.
public struct BulkCreateProductsRequest: Codable, Sendable {
    public var items: [CreateProductRequest]

    public init(items: [CreateProductRequest]) {
        self.items = items
    }
}

/// The answer to `POST /products/bulk`: the created products, in the order sent.
public struct BulkCreateProductsResponse: Codable, Sendable {
    public var items: [ProductDTO]

    public init(items: [ProductDTO]) {
        self.items = items
    }
}
