import Contracts
import Foundation
import PostgresNIO
import Storage

/// A checkout's `Idempotency-Key` and the request it came with, in a canonical form (JSON with
/// sorted keys) so the same body always compares equal.
public struct IdempotencyKey: Sendable, Hashable {
    public var key: String
    public var request: String

    public init(key: String, request: CheckoutRequest) throws {
        self.key = key
        self.request = String(decoding: try MessageCoding.encoder.encode(request), as: UTF8.self)
    }
}

/// A checkout made earlier with an idempotency key: the request it answered and its order.
public struct IdempotentCheckout: Sendable, Hashable {
    public var request: String
    public var orderId: UUID
}

extension OrderRepository {
    /// The checkout the user made with `key`, if any. Keys are per user: another user's key
    /// with the same text is a different key.
    public func checkout(userId: UUID, key: String) async throws -> IdempotentCheckout? {
        let rows = try await database.query(
            "SELECT request, order_id FROM orders.idempotency_keys WHERE user_id = \(userId) AND key = \(key)")
        for (request, orderId) in try rows.decode((String, UUID).self) {
            return IdempotentCheckout(request: request, orderId: orderId)
        }
        return nil
    }

    /// Forgets the user's key, so a retry with it can check out again (used when the order
    /// could not be queued and was failed at once).
    public func forget(userId: UUID, key: String) async throws {
        try await database.query("DELETE FROM orders.idempotency_keys WHERE user_id = \(userId) AND key = \(key)")
    }
}
