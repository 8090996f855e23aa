import Contracts
import Foundation
import RedisStore

extension CartStore {
    /// Sets the line's quantity (0 removes it), atomically, refusing a new line past the
    /// per-cart limit; refreshes the cart's idle lifetime.
    public func setQuantity(userId: UUID, productId: UUID, quantity: Int) async throws -> CartChange {
        let reply = try await redis.evaluate(
            CartScripts.set,
            keys: [Self.key(userId: userId)],
            arguments: [
                productId.uuidString.lowercased(), String(quantity), String(Self.maximumLines), String(Int(idleLifetime.components.seconds)),
            ]
        )
        guard let result = reply.int else {
            throw CartStoreError.unexpectedReply("\(reply)")
        }
        switch result {
        case -2: return .tooManyLines
        case -3: return .noSuchLine
        default: return .updated(quantity: Int(result))
        }
    }

    /// Removes the product's line; `false` if the cart had no such line.
    public func removeLine(userId: UUID, productId: UUID) async throws -> Bool {
        try await setQuantity(userId: userId, productId: productId, quantity: 0) != .noSuchLine
    }

    /// Empties the cart.
    public func clear(userId: UUID) async throws {
        _ = try await redis.delete([Self.key(userId: userId)])
    }

    /// How long the cart lives if nothing changes it; `nil` for an empty cart.
    public func remainingLifetime(userId: UUID) async throws -> Duration? {
        try await redis.timeToLive(Self.key(userId: userId))
    }
}
