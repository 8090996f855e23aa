/// Publishes awaiting the broker's confirm on the publishing channel, by sequence number.
///
/// After `confirm.select` the broker numbers the channel's publishes 1, 2, 3, ... and
/// confirms each with `basic.ack` or `basic.nack`, possibly several at once (`multiple`).
/// A mandatory publish no queue accepts comes back as `basic.return` *before* its ack; the
/// return is matched to the oldest unconfirmed publish with the same exchange, routing key
/// and message id (the broker returns messages in publish order), and that publish then
/// fails with ``AMQPError/unroutable(routingKey:reason:)`` when its ack arrives.
/// Confined to the driver thread.
struct PublishTracker {
    private struct Pending {
        let batch: PublishBatch
        let index: Int
        let exchange: String
        let routingKey: String
        let messageID: String?
        var returnReason: String?
    }

    private var pending: [UInt64: Pending] = [:]
    /// The sequence number the next publish gets.
    private(set) var nextSequence: UInt64 = 1
    /// No publish below this number is still pending.
    private var oldestPending: UInt64 = 1

    /// How many publishes await their confirm.
    var count: Int { pending.count }

    /// Records a publish the channel just sent.
    mutating func sent(_ message: OutgoingMessage, batch: PublishBatch, index: Int) {
        pending[nextSequence] = Pending(
            batch: batch, index: index, exchange: message.exchange, routingKey: message.routingKey,
            messageID: message.properties.messageID
        )
        nextSequence += 1
    }

    /// Resolves the publishes a `basic.ack` confirms.
    mutating func acknowledged(upTo sequence: UInt64, multiple: Bool) {
        resolve(upTo: sequence, multiple: multiple) { entry in
            if let reason = entry.returnReason {
                .failure(.unroutable(routingKey: entry.routingKey, reason: reason))
            } else {
                .success(())
            }
        }
    }

    /// Fails the publishes a `basic.nack` refuses.
    mutating func refused(upTo sequence: UInt64, multiple: Bool) {
        resolve(upTo: sequence, multiple: multiple) { entry in .failure(.nacked(messageID: entry.messageID)) }
    }

    /// Marks the oldest matching unconfirmed publish as returned; false if none matches.
    mutating func returned(exchange: String, routingKey: String, messageID: String?, reason: String) -> Bool {
        for sequence in pending.keys.sorted() {
            guard var entry = pending[sequence], entry.returnReason == nil, entry.exchange == exchange,
                entry.routingKey == routingKey, entry.messageID == messageID
            else { continue }
            entry.returnReason = reason
            pending[sequence] = entry
            return true
        }
        return false
    }

    /// Fails every pending publish with `error` and starts numbering again at 1, as a newly
    /// opened channel does. Returns how many failed.
    @discardableResult
    mutating func failAll(with error: AMQPError) -> Int {
        let failed = pending.count
        for sequence in pending.keys.sorted() {
            let entry = pending[sequence]!
            entry.batch.settle(entry.index, .failure(error))
        }
        pending.removeAll()
        nextSequence = 1
        oldestPending = 1
        return failed
    }

    private mutating func resolve(
        upTo sequence: UInt64, multiple: Bool, outcome: (Pending) -> Result<Void, AMQPError>
    ) {
        if multiple {
            var current = oldestPending
            while current <= sequence {
                if let entry = pending.removeValue(forKey: current) {
                    entry.batch.settle(entry.index, outcome(entry))
                }
                current += 1
            }
        } else if let entry = pending.removeValue(forKey: sequence) {
            entry.batch.settle(entry.index, outcome(entry))
        }
        while oldestPending < nextSequence, pending[oldestPending] == nil {
            oldestPending += 1
        }
    }
}
