import Foundation

/// A quantity of one product: the unit of every stock movement and cart removal.
public struct StockLine: Codable, Sendable, Hashable {
    public var productId: UUID
    public var quantity: Int

    public init(productId: UUID, quantity: Int) {
        self.productId = productId
        self.quantity = quantity
    }
}

/// A product that could not be reserved, and why.
public struct StockShortage: Codable, Sendable, Hashable {
    public var productId: UUID
    public var requested: Int
    /// What was available when the reservation was tried; 0 for an unknown or inactive product.
    public var available: Int

    public init(productId: UUID, requested: Int, available: Int) {
        self.productId = productId
        self.requested = requested
        self.available = available
    }
}
