import Logging
import Messaging

/// Reads and removes messages of one dead-letter queue over AMQP without losing or
/// reordering the ones it leaves.
///
/// RabbitMQ cannot show a queue's messages without handing them out, so the reader takes
/// them with `basic.get`, holds them unacknowledged, and puts back the ones it does not remove
/// with `basic.reject` and requeue. Where a returned message goes differs: checked on RabbitMQ
/// 3.10.8, a quorum queue appends a message returned by `basic.reject` to the back of the queue
/// (behind the messages not taken), while messages returned because their channel closed go to
/// the front. So the reader always takes the *whole* queue and returns what it keeps in order
/// into the then empty queue, which restores the order whichever end returns go to; a listing
/// of the first N messages cycles them all. If shopctl dies meanwhile, the broker returns what
/// it held when the connection closes: nothing is lost, though dying in the middle of the
/// returns leaves the queue reordered. Each return counts as a delivery
/// (`x-delivery-count`), which is why callers run a ``DeliveryLimitCheck`` first.
///
/// Nothing else should consume a dead-letter queue while this runs; two readers at once
/// would interleave their returns. A message dead-lettered in the moment between the last
/// `basic.get` and the returns lands ahead of the returned ones.
struct DeadLetterQueueReader: Sendable {
    let connection: AMQPConnection
    /// The dead-letter queue, `<work queue>.dead`.
    let queue: String
    let logger: Logger

    /// The messages ready in the queue now.
    /// - Throws: ``ShopctlError/failure(_:)`` if the queue does not exist.
    func count() async throws -> Int {
        guard let state = try await connection.queueState(queue) else {
            throw ShopctlError.failure("queue \(queue) does not exist: run shopctl queues declare")
        }
        return state.messageCount
    }

    /// Takes every message until the queue is empty (at most `limit`), in order, unsettled:
    /// the caller acknowledges or returns each one.
    func take(upTo limit: Int = .max) async throws -> [Delivery] {
        var taken: [Delivery] = []
        do {
            while taken.count < limit, let delivery = try await connection.get(queue: queue) {
                taken.append(delivery)
            }
        } catch {
            await putBack(taken)
            throw error
        }
        return taken
    }

    /// Returns `deliveries`, the head of the queue in order, to the queue: takes the rest of
    /// the queue first, then returns everything in order, so the queue reads as before.
    func restore(_ deliveries: [Delivery]) async throws {
        let rest: [Delivery]
        do {
            rest = try await take()
        } catch {
            await putBack(deliveries)
            throw error
        }
        await putBack(deliveries + rest)
    }

    /// Returns `deliveries` to the queue one by one, in the order given. If the connection
    /// is gone the broker has returned them already; that is logged, not thrown.
    func putBack(_ deliveries: [Delivery]) async {
        for delivery in deliveries {
            do {
                try await connection.reject(delivery, requeue: true)
            } catch {
                logger.warning(
                    "could not return a message; the broker returns it when the connection closes",
                    metadata: ["queue": "\(queue)", "error": "\(error)"]
                )
            }
        }
    }

    /// Takes the whole queue and calls `remove`, in queue order, for each of its first
    /// `candidates` messages that `matches` accepts; `remove` must settle it (acknowledge it,
    /// after whatever makes that safe). Every other message goes back in order, also when
    /// `remove` throws: then the message it failed on goes back too, and the error is rethrown.
    /// Messages beyond the first `candidates` (those that arrived since the caller counted,
    /// such as a replayed message that failed again) are never removed.
    /// - Returns: the messages removed.
    func remove(
        amongFirst candidates: Int, where matches: (Delivery) -> Bool, _ remove: (Delivery) async throws -> Void
    ) async throws -> [Delivery] {
        var kept: [Delivery] = []
        var removed: [Delivery] = []
        do {
            while let delivery = try await connection.get(queue: queue) {
                let position = kept.count + removed.count
                guard position < candidates, matches(delivery) else {
                    kept.append(delivery)
                    continue
                }
                do {
                    try await remove(delivery)
                } catch {
                    kept.append(delivery)
                    throw error
                }
                removed.append(delivery)
            }
        } catch {
            try? await restore(kept)
            throw error
        }
        await putBack(kept)
        return removed
    }
}
