/// A queue to declare: always durable, never exclusive, never auto-deleted.
///
/// Declaring is idempotent when the arguments are identical; declaring an existing queue
/// with different arguments fails with ``AMQPError/channelClosed(code:text:)`` (406).
public struct QueueDeclaration: Sendable, Hashable {
    /// The queue's name.
    public var name: String
    /// The queue's `x-` arguments (`x-queue-type`, `x-message-ttl`, `x-dead-letter-exchange`, ...).
    public var arguments: [String: AMQPValue]

    /// A declaration of `name` with `arguments`.
    public init(name: String, arguments: [String: AMQPValue] = [:]) {
        self.name = name
        self.arguments = arguments
    }
}
