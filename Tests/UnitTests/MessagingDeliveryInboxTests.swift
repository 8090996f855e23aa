import Synchronization
import Testing

@testable import Messaging

@Suite("delivery inbox: hand-off from the connection thread to the handler slots")
struct MessagingDeliveryInboxTests {
    static func delivery(_ tag: UInt64) -> Delivery {
        Delivery(deliveryTag: tag, routingKey: "q", body: [])
    }

    static func inbox(cancelled: Cancellations = Cancellations()) -> DeliveryInbox {
        DeliveryInbox { cancelled.record() }
    }

    final class Cancellations: Sendable {
        private let count = Atomic<Int>(0)
        func record() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// Waits (briefly) until `count` tasks wait in the inbox.
    static func waitForTakers(_ inbox: DeliveryInbox, count: Int) async throws {
        for _ in 0..<2_000 where inbox.waitingTasks < count {  // up to 10 s: a loaded machine runs tasks late
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(inbox.waitingTasks == count)
    }

    @Test("waiting deliveries are taken oldest first, at most the limit at a time")
    func takesInOrder() async {
        let inbox = Self.inbox()
        for tag in 1...5 { #expect(inbox.append(Self.delivery(UInt64(tag)))) }
        #expect(await inbox.take(upTo: 2).map(\.deliveryTag) == [1, 2])
        #expect(await inbox.take(upTo: 10).map(\.deliveryTag) == [3, 4, 5])
        #expect(inbox.append(Self.delivery(6)))
        #expect(await inbox.take(upTo: 1).map(\.deliveryTag) == [6])
    }

    @Test("a delivery goes straight to the task that waited longest; each waiter gets one")
    func waitersServedOldestFirst() async throws {
        let inbox = Self.inbox()
        let first = Task { await inbox.take(upTo: 5) }
        try await Self.waitForTakers(inbox, count: 1)
        let second = Task { await inbox.take(upTo: 5) }
        try await Self.waitForTakers(inbox, count: 2)
        #expect(inbox.append(Self.delivery(1)))
        #expect(inbox.append(Self.delivery(2)))
        #expect(inbox.append(Self.delivery(3)))
        #expect(await first.value.map(\.deliveryTag) == [1])
        #expect(await second.value.map(\.deliveryTag) == [2])
        #expect(await inbox.take(upTo: 5).map(\.deliveryTag) == [3], "the third waits for the next taker")
    }

    @Test("finished: waiters get nothing, what was queued is still taken, later deliveries are refused")
    func finishing() async throws {
        let cancelled = Cancellations()
        let inbox = Self.inbox(cancelled: cancelled)
        let waiter = Task { await inbox.take(upTo: 1) }
        try await Self.waitForTakers(inbox, count: 1)
        let finished = Task { await inbox.waitUntilFinished() }
        inbox.finish()
        #expect(await waiter.value.isEmpty)
        await finished.value

        let other = Self.inbox()
        #expect(other.append(Self.delivery(1)))
        other.finish()
        #expect(!other.isDrained)
        #expect(!other.append(Self.delivery(2)), "refused: the driver gives it back to the broker")
        #expect(await other.take(upTo: 5).map(\.deliveryTag) == [1])
        #expect(other.isDrained)
        #expect(await other.take(upTo: 5).isEmpty)
        await other.waitUntilFinished()
        other.cancel()
        #expect(cancelled.value == 0, "an ended consumer is not cancelled again")
    }

    @Test("cancel: the consumer is cancelled once, queued deliveries are dropped, waiters get nothing")
    func cancelling() async throws {
        let cancelled = Cancellations()
        let inbox = Self.inbox(cancelled: cancelled)
        let waiter = Task { await inbox.take(upTo: 1) }
        try await Self.waitForTakers(inbox, count: 1)
        inbox.cancel()
        #expect(await waiter.value.isEmpty)
        #expect(cancelled.value == 1)
        inbox.cancel()
        #expect(cancelled.value == 1)

        let queued = Self.inbox(cancelled: cancelled)
        #expect(queued.append(Self.delivery(1)))
        queued.cancel()
        #expect(cancelled.value == 2)
        #expect(await queued.take(upTo: 1).isEmpty)
        #expect(!queued.append(Self.delivery(2)))
    }

    @Test("a cancelled taker gets nothing and does not swallow the next delivery")
    func cancelledTaker() async throws {
        let inbox = Self.inbox()
        let cancelledTaker = Task { await inbox.take(upTo: 1) }
        try await Self.waitForTakers(inbox, count: 1)
        cancelledTaker.cancel()
        #expect(await cancelledTaker.value.isEmpty)
        #expect(inbox.waitingTasks == 0)
        #expect(inbox.append(Self.delivery(1)))
        #expect(await inbox.take(upTo: 1).map(\.deliveryTag) == [1])

        let alreadyCancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await inbox.take(upTo: 1)
        }
        #expect(await alreadyCancelled.value.isEmpty)
        #expect(inbox.waitingTasks == 0)
    }

    @Test("a take with a deadline returns empty when nothing arrives in time")
    func takeWithDeadline() async {
        let inbox = Self.inbox()
        let start = ContinuousClock.now
        #expect(await inbox.take(upTo: 3, waitingUntil: start + .milliseconds(100)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        #expect(inbox.waitingTasks == 0)
        #expect(inbox.append(Self.delivery(1)))
        #expect(await inbox.take(upTo: 3, waitingUntil: start).map(\.deliveryTag) == [1], "what waits is taken even past the deadline")
    }

    @Test("a batch is cut at its size at once")
    func batchCutAtSize() async {
        let inbox = Self.inbox()
        for tag in 1...5 { #expect(inbox.append(Self.delivery(UInt64(tag)))) }
        let start = ContinuousClock.now
        #expect(await inbox.takeBatch(size: 3, wait: .seconds(10)).map(\.deliveryTag) == [1, 2, 3])
        #expect(ContinuousClock.now - start < .seconds(5), "not after the 10 s window (5 s: slack for a loaded machine)")
    }

    @Test("a batch waits for company only until its first message has waited the window")
    func batchWindowStartsAtFirstMessage() async throws {
        let inbox = Self.inbox()
        // Scaled for a loaded machine (with the whole suite on 2 cores, wake-ups and timers were
        // seen seconds late): the second message comes 2 s before the window closes, and the cut
        // may be up to 1.9 s late, while a window restarted by the second message (cut 6 s after
        // the window opened) fails.
        let wait = Duration.seconds(4)
        let batch = Task {
            let batch = await inbox.takeBatch(size: 10, wait: wait)
            return (batch.map(\.deliveryTag), ContinuousClock.now)
        }
        try await Self.waitForTakers(inbox, count: 1)
        // Nothing is cut while the batch has no first message, however long that takes.
        try await Task.sleep(for: .milliseconds(500))
        let first = ContinuousClock.now
        #expect(inbox.append(Self.delivery(1)))
        // The window opens when the batch's task has its first message, and it then waits for
        // company again: measured from there, so a task that a loaded machine runs seconds late
        // (seen in full runs) does not count as a window that lasted too long.
        try await Self.waitForTakers(inbox, count: 1)
        let opened = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        #expect(inbox.append(Self.delivery(2)))
        let (tags, cut) = await batch.value
        #expect(tags == [1, 2])
        #expect(cut - first >= wait - .milliseconds(10), "cut \(cut - first) after the first message")
        #expect(cut - opened < wait + .milliseconds(1_900), "cut \(cut - opened) after the window opened")
        #expect(inbox.append(Self.delivery(3)))
        #expect(await inbox.takeBatch(size: 10, wait: .milliseconds(50)).map(\.deliveryTag) == [3], "a late message starts the next batch")
    }

    @Test("a batch being filled is returned as it is when the consumer ends")
    func batchEndsWithConsumer() async throws {
        let inbox = Self.inbox()
        let batch = Task { await inbox.takeBatch(size: 10, wait: .seconds(30)) }
        try await Self.waitForTakers(inbox, count: 1)
        #expect(inbox.append(Self.delivery(1)))
        try await Self.waitForTakers(inbox, count: 1)
        let start = ContinuousClock.now
        inbox.finish()
        #expect(await batch.value.map(\.deliveryTag) == [1])
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
