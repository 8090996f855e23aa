import Testing

@testable import Messaging

@Suite("publisher confirm bookkeeping")
struct MessagingPublishTrackerTests {
    static func message(_ key: String, id: String? = nil) -> OutgoingMessage {
        OutgoingMessage(routingKey: key, body: [1], properties: MessageProperties(messageID: id))
    }

    /// Runs `body` with a tracker and a batch of `count` publishes; returns the batch's results.
    static func results(count: Int, _ body: (inout PublishTracker, PublishBatch) -> Void) async -> [Result<Void, AMQPError>] {
        await withCheckedContinuation { continuation in
            var tracker = PublishTracker()
            let batch = PublishBatch(count: count, continuation: continuation)
            body(&tracker, batch)
        }
    }

    @Test("multiple acks confirm everything up to their tag; single acks one")
    func acks() async {
        let results = await Self.results(count: 4) { tracker, batch in
            for index in 0..<4 { tracker.sent(Self.message("q"), batch: batch, index: index) }
            tracker.acknowledged(upTo: 3, multiple: false)
            #expect(tracker.count == 3)
            tracker.acknowledged(upTo: 2, multiple: true)
            #expect(tracker.count == 1)
            tracker.acknowledged(upTo: 4, multiple: true)
            #expect(tracker.count == 0)
        }
        #expect(results.allSatisfy { $0.failure == nil })
    }

    @Test("a nack fails exactly the refused publishes")
    func nacks() async {
        let results = await Self.results(count: 3) { tracker, batch in
            for index in 0..<3 { tracker.sent(Self.message("q", id: "m\(index)"), batch: batch, index: index) }
            tracker.refused(upTo: 2, multiple: false)
            tracker.acknowledged(upTo: 3, multiple: true)
        }
        #expect(results[0].failure == nil)
        #expect(results[1].failure == .nacked(messageID: "m1"))
        #expect(results[2].failure == nil)
    }

    @Test("a return marks the oldest matching publish, which fails when its ack arrives")
    func returns() async {
        let results = await Self.results(count: 4) { tracker, batch in
            tracker.sent(Self.message("good", id: "a"), batch: batch, index: 0)
            tracker.sent(Self.message("missing", id: "b"), batch: batch, index: 1)
            tracker.sent(Self.message("missing", id: "b"), batch: batch, index: 2)
            tracker.sent(Self.message("missing", id: "c"), batch: batch, index: 3)
            let matched = tracker.returned(exchange: "", routingKey: "missing", messageID: "b", reason: "312 NO_ROUTE")
            #expect(matched)
            let unmatched = tracker.returned(exchange: "", routingKey: "missing", messageID: "zzz", reason: "312 NO_ROUTE")
            #expect(!unmatched)
            tracker.acknowledged(upTo: 4, multiple: true)
        }
        #expect(results[0].failure == nil)
        #expect(results[1].failure == .unroutable(routingKey: "missing", reason: "312 NO_ROUTE"))
        #expect(results[2].failure == nil, "only the first of two identical publishes was returned")
        #expect(results[3].failure == nil)
    }

    @Test("a lost connection fails every pending publish and restarts numbering")
    func failAll() async {
        let results = await Self.results(count: 3) { tracker, batch in
            for index in 0..<3 { tracker.sent(Self.message("q"), batch: batch, index: index) }
            tracker.acknowledged(upTo: 1, multiple: false)
            #expect(tracker.failAll(with: .connectionLost(reason: "test")) == 2)
            #expect(tracker.nextSequence == 1)
        }
        #expect(results[0].failure == nil)
        #expect(results[1].failure == .connectionLost(reason: "test"))
        #expect(results[2].failure == .connectionLost(reason: "test"))
    }

    @Test("reconnect delays grow from 100 ms to a 5 s cap, with jitter in the upper half")
    func reconnectBackoff() {
        let backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(5))
        #expect(backoff.delay(attempt: 1, unit: 1) == .milliseconds(100))
        #expect(backoff.delay(attempt: 1, unit: 0) == .milliseconds(50))
        #expect(backoff.delay(attempt: 4, unit: 1) == .milliseconds(800))
        #expect(backoff.delay(attempt: 7, unit: 1) == .seconds(5))
        #expect(backoff.delay(attempt: 1000, unit: 0) == .milliseconds(2500))
    }
}

extension Result where Success == Void {
    /// The error, if this is a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
