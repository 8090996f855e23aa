import Contracts
import Foundation
import Logging
import RedisStore

/// Carts in Redis: one hash per user, `cart:<user id>`, mapping product id → quantity.
/// A cart expires after `idleLifetime` without changes.
public struct CartStore: Sendable {
    let redis: RedisClient
    let idleLifetime: Duration
    let logger: Logger

    /// The most units of one product a cart may hold.
    public static let maximumQuantityPerLine = 99
    /// The most distinct products a cart may hold.
    public static let maximumLines = 50
    /// The setting (`CART_TTL_SECONDS`) for how long a cart lives without a change, its
    /// default (30 days) and bounds.
    public static let idleLifetimeSetting = "cart.ttlSeconds"
    public static let defaultIdleSeconds = 30 * 24 * 3600
    public static let idleSecondsRange = 60...(365 * 24 * 3600)

    public init(redis: RedisClient, idleLifetime: Duration = .seconds(30 * 24 * 3600), logger: Logger) {
        self.redis = redis
        self.idleLifetime = idleLifetime
        self.logger = logger
    }

    static func key(userId: UUID) -> String {
        "cart:\(userId.uuidString.lowercased())"
    }

    /// The cart's lines as product id → quantity.
    public func lines(userId: UUID) async throws -> [UUID: Int] {
        let fields = try await redis.hashGetAll(Self.key(userId: userId))
        var lines: [UUID: Int] = [:]
        for (field, value) in fields {
            guard let productId = UUID(uuidString: field), let quantity = Int(value), quantity > 0 else {
                logger.warning("ignoring a malformed cart line", metadata: ["user.id": "\(userId)", "field": "\(field)"])
                continue
            }
            lines[productId] = quantity
        }
        return lines
    }

    /// Adds `quantity` units of the product (to an existing line if there is one), atomically,
    /// refusing to go past the per-line or per-cart limits. Returns the line's new quantity.
    public func add(userId: UUID, productId: UUID, quantity: Int) async throws -> CartChange {
        let reply = try await redis.evaluate(
            CartScripts.add,
            keys: [Self.key(userId: userId)],
            arguments: [
                productId.uuidString.lowercased(), String(quantity), String(Self.maximumQuantityPerLine),
                String(Self.maximumLines), String(Int(idleLifetime.components.seconds)),
            ]
        )
        guard let result = reply.int else {
            throw CartStoreError.unexpectedReply("\(reply)")
        }
        switch result {
        case -1: return .tooManyUnits
        case -2: return .tooManyLines
        default: return .updated(quantity: Int(result))
        }
    }

    /// Removes the ordered lines of `orderId` from the cart: each line loses exactly the
    /// ordered quantity (units added since stay). Done at most once per order, atomically:
    /// a redelivered message changes nothing. Returns whether this call did the removal.
    @discardableResult
    public func removeOrderedLines(userId: UUID, orderId: UUID, lines: [StockLine]) async throws -> Bool {
        var arguments = [String(Int(idleLifetime.components.seconds))]
        for line in lines {
            arguments.append(line.productId.uuidString.lowercased())
            arguments.append(String(line.quantity))
        }
        let reply = try await redis.evaluate(
            CartScripts.removeOrdered,
            keys: [Self.key(userId: userId), "cart:cleared:\(orderId.uuidString.lowercased())"],
            arguments: arguments
        )
        return reply.int == 1
    }
}

/// What adding to a cart did.
public enum CartChange: Sendable, Equatable {
    case updated(quantity: Int)
    case tooManyUnits
    case tooManyLines
    /// The cart has no line for the product.
    case noSuchLine
}

/// The cart store got an answer it cannot understand.
public enum CartStoreError: Error, CustomStringConvertible {
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .unexpectedReply(let reply): "unexpected reply from the cart store: \(reply)"
        }
    }
}
