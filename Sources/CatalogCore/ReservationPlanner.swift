import Contracts
import Foundation

/// The pure decision at the heart of a reservation: given what is available of each product,
/// serve orders one by one, all or nothing each, and record the movements. Kept free of I/O
/// so it can be tested on its own.
struct ReservationPlanner: Sendable {
    /// One order's hold on one product.
    struct Movement: Sendable, Hashable {
        var orderId: UUID
        var productId: UUID
        var quantity: Int
    }

    /// Units available per product; a product absent here cannot be reserved.
    var available: [UUID: Int]
    private(set) var movements: [Movement] = []

    init(available: [UUID: Int]) {
        self.available = available
    }

    /// Holds every line of `request` if all are available, else nothing.
    mutating func reserve(_ request: ReserveInventory) -> ReservationOutcome {
        var needed: [UUID: Int] = [:]
        for line in request.lines {
            needed[line.productId, default: 0] += line.quantity
        }
        let shortages = needed.compactMap { productId, quantity -> StockShortage? in
            let have = available[productId] ?? 0
            return have >= quantity ? nil : StockShortage(productId: productId, requested: quantity, available: have)
        }.sorted { $0.productId.uuidString < $1.productId.uuidString }
        guard shortages.isEmpty, !needed.isEmpty, needed.values.allSatisfy({ $0 > 0 }) else {
            let reason = needed.isEmpty || !needed.values.allSatisfy({ $0 > 0 })
                ? "the order has no valid lines"
                : "not enough stock for \(shortages.count) product\(shortages.count == 1 ? "" : "s")"
            return .rejected(reason: reason, shortages: shortages)
        }
        for (productId, quantity) in needed.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            available[productId, default: 0] -= quantity
            movements.append(Movement(orderId: request.orderId, productId: productId, quantity: quantity))
        }
        return .reserved
    }
}
