import Contracts
import Foundation

/// A stored order: the DTO plus what only the back end needs.
public struct Order: Sendable, Hashable {
    public var dto: OrderDTO
    /// Where the emails about this order go (from the access token at checkout).
    public var email: String
    /// The payment method token to charge (absent on orders placed before checkout took one).
    public var paymentMethod: String?

    public init(dto: OrderDTO, email: String, paymentMethod: String? = nil) {
        self.dto = dto
        self.email = email
        self.paymentMethod = paymentMethod
    }

    public var id: UUID { dto.id }
    public var userId: UUID { dto.userId }
    public var status: OrderStatus { dto.status }

    /// The order's lines as stock movements.
    public var stockLines: [StockLine] {
        dto.lines.map { StockLine(productId: $0.productId, quantity: $0.quantity) }
    }
}
