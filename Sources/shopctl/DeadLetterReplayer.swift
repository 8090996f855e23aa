import Foundation
import Messaging

/// Moves messages from a dead-letter queue back to its work queue: each copy is published
/// and confirmed before the dead message is acknowledged, so a failure at any point loses
/// nothing (at worst, a failure between the two leaves the message in both queues).
struct DeadLetterReplayer: Sendable {
    let reader: DeadLetterQueueReader
    /// Where the messages go back to.
    let workQueue: String
    /// How many messages are published pipelined at once by ``replayAll()``.
    var batchSize = 100

    /// Replays every message with `messageID` (normally one; more if a copy was left behind
    /// by an interrupted replay or dead-lettering); the others stay in place.
    /// - Returns: the ids replayed.
    /// - Throws: ``ShopctlError/failure(_:)`` when no message has that id.
    func replay(messageID: String) async throws -> [String?] {
        let total = try await reader.count()
        let replayed = try await reader.remove(amongFirst: total, where: { $0.properties.messageID == messageID }) { delivery in
            try await publish([delivery], replayedAt: Date())
            try await acknowledge(delivery)
        }
        guard !replayed.isEmpty else {
            throw ShopctlError.failure("no message with id '\(messageID)' in \(reader.queue) (\(total) message\(total == 1 ? "" : "s") looked at)")
        }
        return replayed.map(\.properties.messageID)
    }

    /// Replays the messages in the dead-letter queue when it starts, oldest first, in
    /// pipelined batches. Messages that fail again meanwhile join the end of the queue and
    /// are not taken again.
    /// - Throws: ``ShopctlError/failure(_:)`` when the queue is empty, or when a publish fails
    ///   (saying how many were replayed before; the rest stay in the dead-letter queue).
    func replayAll() async throws -> [String?] {
        let total = try await reader.count()
        guard total > 0 else {
            throw ShopctlError.failure("nothing to replay: \(reader.queue) is empty")
        }
        var replayed: [String?] = []
        while replayed.count < total {
            let batch = try await reader.take(upTo: min(batchSize, total - replayed.count))
            guard !batch.isEmpty else { break }
            let date = Date()
            let results = await reader.connection.publishResults(batch.map { $0.replayMessage(to: workQueue, replayedAt: date) })
            var failures: [(delivery: Delivery, error: AMQPError)] = []
            for (delivery, result) in zip(batch, results) {
                switch result {
                case .success:
                    do {
                        try await acknowledge(delivery)
                    } catch {
                        try? await reader.restore(failures.map(\.delivery))
                        throw ShopctlError.failure("after replaying \(replayed.count) of \(total): \(error)")
                    }
                    replayed.append(delivery.properties.messageID)
                case .failure(let error):
                    failures.append((delivery, error))
                }
            }
            if let first = failures.first {
                // Back in place, ahead of the messages not taken yet.
                try? await reader.restore(failures.map(\.delivery))
                throw ShopctlError.failure(
                    "replayed \(replayed.count) of \(total), then publishing to \(workQueue) failed: \(describe(first.error)); "
                        + "\(failures.count) message\(failures.count == 1 ? "" : "s") of that batch stay in \(reader.queue)"
                )
            }
        }
        return replayed
    }

    /// Publishes the replay copies of `deliveries` and waits for the broker's confirms.
    private func publish(_ deliveries: [Delivery], replayedAt date: Date) async throws {
        do {
            try await reader.connection.publish(deliveries.map { $0.replayMessage(to: workQueue, replayedAt: date) })
        } catch let error as AMQPError {
            throw ShopctlError.failure("publishing to \(workQueue) failed: \(describe(error)); the message stays in \(reader.queue)")
        }
    }

    /// Acknowledges a dead message whose copy the broker confirmed.
    private func acknowledge(_ delivery: Delivery) async throws {
        do {
            try await reader.connection.ack(delivery)
        } catch {
            throw ShopctlError.failure(
                "message \(delivery.properties.messageID ?? "(no id)") was replayed to \(workQueue), but removing it from "
                    + "\(reader.queue) failed (\(error)): it is in both queues now. Handling it twice is harmless "
                    + "(handlers are idempotent); purge it from \(reader.queue) with dlq purge --id."
            )
        }
    }

    private func describe(_ error: AMQPError) -> String {
        if case .unroutable = error {
            return "the queue \(workQueue) does not exist (run shopctl queues declare)"
        }
        return error.description
    }
}
