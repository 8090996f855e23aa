/// One queue's policy from `queues.yaml`: consumption limits, attempts, backoff, batching.
public struct QueuePolicy: Sendable, Hashable {
    /// The work queue's name.
    public var name: String
    /// Unacknowledged deliveries the broker may push to one consumer (1...65535).
    public var prefetch: UInt16
    /// Handlers running at once in one worker process.
    public var concurrency: Int
    /// Attempts before a message goes to ``deadLetterQueue``.
    public var maxAttempts: Int
    /// The broker's backstop against crash loops: deliveries of one message (without a
    /// settled outcome) before the quorum queue dead-letters it (`x-delivery-limit`).
    public var deliveryLimit: Int
    /// Delays between attempts.
    public var backoff: BackoffPolicy
    /// Batching, when the queue's handler takes batches.
    public var batch: BatchPolicy?

    /// A policy; ``QueuesConfiguration`` validates the values read from `queues.yaml`.
    public init(
        name: String, prefetch: UInt16, concurrency: Int, maxAttempts: Int, deliveryLimit: Int,
        backoff: BackoffPolicy, batch: BatchPolicy? = nil
    ) {
        self.name = name
        self.prefetch = prefetch
        self.concurrency = concurrency
        self.maxAttempts = maxAttempts
        self.deliveryLimit = deliveryLimit
        self.backoff = backoff
        self.batch = batch
    }

    /// Where messages that cannot succeed end: `<name>.dead`.
    public var deadLetterQueue: String { "\(name).dead" }

    /// The delay queue a message waits in before `attempt` (2 or more), named after its
    /// delay: `<name>.retry.<delay>`, e.g. `checkout.retry.1s`. Attempts below 2 map to 2.
    public func retryQueue(forAttempt attempt: Int) -> String {
        "\(name).retry.\(DurationText.format(backoff.delay(beforeAttempt: Swift.max(2, attempt))))"
    }

    /// The distinct retry delays, shortest first, for attempts 2 through ``maxAttempts``.
    public var retryDelays: [Duration] {
        guard maxAttempts >= 2 else { return [] }
        return Array(Set((2...maxAttempts).map { backoff.delay(beforeAttempt: $0) })).sorted()
    }
}
