import Contracts
import Foundation
import PostgresNIO
import Storage

/// What asking to cancel an order did.
public enum CancellationOutcome: Sendable, Hashable {
    /// The order moved to `cancelled` now.
    case cancelled(Order)
    /// The order was already `cancelled`: nothing changed.
    case alreadyCancelled(Order)
    /// The order cannot be cancelled in its status (shipped, or already over).
    case refused(Order)
}

extension OrderRepository {
    /// Cancels the order if its status allows it. The status check and the move are one
    /// guarded transition, so a saga step or the sweeper moving the order at the same moment
    /// is seen: the loop decides again on the order's new status.
    public func cancel(_ order: Order, reason: String) async throws -> CancellationOutcome {
        var current = order
        while true {
            if current.status == .cancelled { return .alreadyCancelled(current) }
            guard current.status.isCancellable else { return .refused(current) }
            let cancellable = Set(OrderStatus.allCases.filter(\.isCancellable))
            if try await transition(current.id, from: cancellable, to: .cancelled, reason: reason) {
                guard let cancelled = try await find(id: current.id) else { throw OrderStoreError.corrupt("order \(current.id) vanished") }
                return .cancelled(cancelled)
            }
            guard let reread = try await find(id: current.id) else { throw OrderStoreError.corrupt("order \(current.id) vanished") }
            current = reread
        }
    }

    /// Records that a cancelled order's compensation (stock, refund, email) is enqueued, so the
    /// sweeper stops re-driving it.
    public func markCompensated(_ orderId: UUID) async throws {
        try await database.query(
            "UPDATE orders.orders SET compensated_at = now() WHERE id = \(orderId) AND status = 'cancelled' AND compensated_at IS NULL")
    }
}
