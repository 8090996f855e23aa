/// The queues a policy needs on the broker.
///
/// Every queue is a quorum queue: replicated, durable, and the only type with
/// `x-delivery-limit` (the crash-loop backstop). Checked on RabbitMQ 3.10.8: quorum queues
/// accept `x-message-ttl` and per-message `expiration`, dead-letter expired and rejected
/// messages, and support `x-dead-letter-strategy: at-least-once` (new in 3.10), which keeps a
/// message in the source queue until the target queue has confirmed it. Classic queues only
/// dead-letter at-most-once: a message could be lost between the two queues. At-least-once
/// requires `x-overflow: reject-publish` (with the default `drop-head` RabbitMQ silently falls
/// back to at-most-once), so every queue that dead-letters declares both.
///
/// Dead-lettering goes through the default exchange (`""`) with an explicit routing key,
/// so no exchanges or bindings are needed. Declaring the same queues again with the same
/// arguments is idempotent.
extension QueuePolicy {
    /// `Q.dead`, then `Q`, then one delay queue per distinct retry delay, shortest first.
    public var declarations: [QueueDeclaration] {
        [deadLetterDeclaration, workDeclaration] + retryDelays.map(retryDeclaration(delay:))
    }

    /// `Q`: quorum, delivery limit, dead-lettering (at least once) to `Q.dead`.
    public var workDeclaration: QueueDeclaration {
        QueueDeclaration(
            name: name,
            arguments: Self.quorum.merging(Self.deadLettering(to: deadLetterQueue)) { $1 }
                .merging(["x-delivery-limit": .int(Int64(deliveryLimit))]) { $1 }
        )
    }

    /// `Q.dead`: a plain quorum queue, where messages wait for an operator.
    ///
    /// Deliberately without `x-delivery-limit`: operators read it by taking messages and
    /// returning them (`shopctl dlq list`), and a quorum queue counts each return as a
    /// delivery; with a limit, reading it often enough would drop messages. On RabbitMQ 3.x no
    /// argument means no limit; `-1` would mean dropping at the first return (checked on
    /// 3.10.8), whereas RabbitMQ 4 reads `-1` as "no limit" and applies 20 when there is no
    /// argument (lift it there with a policy, `delivery-limit: -1`).
    public var deadLetterDeclaration: QueueDeclaration {
        QueueDeclaration(name: deadLetterQueue, arguments: Self.quorum)
    }

    /// `Q.retry.<delay>`: holds messages for `delay` (`x-message-ttl`), then dead-letters
    /// them (at least once) back to `Q`. It has no consumers.
    public func retryDeclaration(delay: Duration) -> QueueDeclaration {
        QueueDeclaration(
            name: "\(name).retry.\(DurationText.format(delay))",
            arguments: Self.quorum.merging(Self.deadLettering(to: name)) { $1 }
                .merging(["x-message-ttl": .int(DurationText.milliseconds(delay))]) { $1 }
        )
    }

    private static let quorum: [String: AMQPValue] = ["x-queue-type": "quorum"]

    private static func deadLettering(to queue: String) -> [String: AMQPValue] {
        [
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": .string(queue),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ]
    }
}
