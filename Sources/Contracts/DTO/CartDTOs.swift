import Foundation

/// `POST /cart/items`.
public struct AddCartItemRequest: Codable, Sendable {
    public var productId: UUID
    public var quantity: Int

    public init(productId: UUID, quantity: Int) {
        self.productId = productId
        self.quantity = quantity
    }
}

/// One line of a cart, priced at the catalog's current price.
public struct CartLineDTO: Codable, Sendable, Hashable {
    public var productId: UUID
    public var sku: String
    public var name: String
    public var unitPrice: Money
    public var quantity: Int
    public var lineTotal: Money

    public init(productId: UUID, sku: String, name: String, unitPrice: Money, quantity: Int) {
        self.productId = productId
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.lineTotal = unitPrice.times(quantity)
    }
}

/// A user's cart: its lines at current prices and their total (`nil` when empty).
public struct CartDTO: Codable, Sendable, Hashable {
    public var lines: [CartLineDTO]
    public var total: Money?
    /// When the cart expires unless it changes before (`nil` for an empty cart).
    public var expiresAt: Date?

    public init(lines: [CartLineDTO], total: Money?, expiresAt: Date? = nil) {
        self.lines = lines
        self.total = total
        self.expiresAt = expiresAt
    }
}

/// `PATCH /cart/items/:productId`: the line's new quantity; 0 removes the line.
public struct SetCartItemQuantityRequest: Codable, Sendable {
    public var quantity: Int

    public init(quantity: Int) {
        self.quantity = quantity
    }
}
