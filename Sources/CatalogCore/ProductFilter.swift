import Foundation

/// The order of a product list. The raw values are the `sort` query parameter's values.
public enum ProductSort: String, Sendable, CaseIterable {
    case price
    case priceDescending = "-price"
    case name
    case nameDescending = "-name"
    case createdAt
    case createdAtDescending = "-createdAt"

    /// The `ORDER BY` clause, from this fixed set only (never from input); `p.id` breaks ties
    /// so pages never overlap.
    var orderBy: String {
        switch self {
        case .price: "p.price_amount ASC, p.id"
        case .priceDescending: "p.price_amount DESC, p.id"
        case .name: "p.name ASC, p.id"
        case .nameDescending: "p.name DESC, p.id"
        case .createdAt: "p.created_at ASC, p.id"
        case .createdAtDescending: "p.created_at DESC, p.id"
        }
    }
}

/// Which active products a list shows, and in what order. `nil` fields do not filter.
public struct ProductFilter: Sendable, Hashable {
    public var category: String?
    /// Lowest price in minor units, inclusive.
    public var minPrice: Int?
    /// Highest price in minor units, inclusive.
    public var maxPrice: Int?
    /// `true`: only products with stock; `false`: only sold-out products.
    public var inStock: Bool?
    /// Words to find in the name or description (full-text, english stemming).
    public var text: String?
    public var sort: ProductSort

    public init(
        category: String? = nil, minPrice: Int? = nil, maxPrice: Int? = nil, inStock: Bool? = nil, text: String? = nil,
        sort: ProductSort = .createdAtDescending
    ) {
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.inStock = inStock
        self.text = text
        self.sort = sort
    }
}
