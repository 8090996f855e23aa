import Contracts
import Foundation

/// What the worker of a queue can decode, from the Contracts types: the message types the
/// queue carries and their decoder. `shopctl publish` refuses a body that fails it, since a
/// worker would dead-letter it at once.
struct MessageContract: Sendable {
    /// The contract's queue.
    let queue: QueueName
    /// The AMQP `type`s the queue carries; the first one is not a default.
    let types: [String]
    /// Decodes like the worker does and returns the order the message belongs to, if any.
    private let decode: @Sendable (_ type: String?, _ body: [UInt8]) throws -> UUID?

    /// Every queue's contract.
    static let all: [MessageContract] = [
        MessageContract(
            queue: .checkout,
            types: [OrderPlaced.messageType, InventoryReserved.messageType, InventoryRejected.messageType, OrderCancelled.messageType],
            decode: { try CheckoutEvent.decode(type: $0, body: $1).orderId }
        ),
        MessageContract(
            queue: .updateInventory, types: InventoryCommand.messageTypes,
            decode: { try InventoryCommand.decode(type: $0, body: $1).orderId }
        ),
        MessageContract(queue: .clearCart, types: [ClearCart.messageType], decode: { try ClearCart.decode(type: $0, body: $1).orderId }),
        MessageContract(queue: .sendEmail, types: [SendEmail.messageType], decode: { _ = try SendEmail.decode(type: $0, body: $1); return nil }),
    ]

    /// The contract of the queue named `name`, if the Contracts module defines one.
    static func named(_ name: String) -> MessageContract? {
        all.first { $0.queue.rawValue == name }
    }

    /// The names of the queues with a contract.
    static var names: [String] { all.map(\.queue.rawValue) }

    /// A message that passed the contract.
    struct Validated: Sendable, Equatable {
        /// The AMQP `type`: the one given, or the queue's only type.
        var type: String
        /// The order the message belongs to, the usual correlation id.
        var orderID: UUID?
    }

    /// Checks `body` as a message of `type` (nil: the queue's only type) the way the worker
    /// decodes it.
    /// - Throws: ``ShopctlError/usage(_:)`` naming the missing or unknown type, or the field at fault.
    func validate(body: [UInt8], type: String?) throws(ShopctlError) -> Validated {
        let resolvedType: String
        if let type {
            guard types.contains(type) else {
                throw .usage("queue \(queue.rawValue) carries no message type '\(type)': expected one of \(types.joined(separator: ", "))")
            }
            resolvedType = type
        } else if types.count == 1 {
            resolvedType = types[0]
        } else {
            throw .usage("queue \(queue.rawValue) carries several message types: pass --type with one of \(types.joined(separator: ", "))")
        }
        do {
            return Validated(type: resolvedType, orderID: try decode(resolvedType, body))
        } catch {
            throw .usage("the body is not a valid \(resolvedType) message for queue \(queue.rawValue): \(error)")
        }
    }
}
