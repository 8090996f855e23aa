/// What the broker reports about an existing queue.
public struct QueueState: Sendable, Hashable {
    /// The queue's name.
    public let name: String
    /// Messages ready for delivery (not counting unacknowledged ones).
    public let messageCount: Int
    /// Consumers subscribed to the queue.
    public let consumerCount: Int

    /// A queue state, as the broker reported it.
    public init(name: String, messageCount: Int, consumerCount: Int) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
