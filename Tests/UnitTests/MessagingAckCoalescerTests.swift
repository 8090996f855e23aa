import Testing

@testable import Messaging

@Suite("ack coalescing: a multiple ack only ever covers settled deliveries")
struct MessagingAckCoalescerTests {
    @Test("in-order acks go out as one multiple ack up to the last of them")
    func contiguousPrefix() {
        var coalescer = AckCoalescer(serial: 1)
        #expect(coalescer.acks(for: [3, 1, 2]) == [.upTo(3)])
        #expect(coalescer.settledThrough == 3)
        #expect(coalescer.acks(for: [4]) == [.single(4)])
        #expect(coalescer.acks(for: [5, 6]) == [.upTo(6)])
    }

    @Test("an ack beyond an unsettled delivery goes out on its own at once, and a later prefix passes over it")
    func gapBlocksTheMultipleAck() {
        var coalescer = AckCoalescer(serial: 1)
        // 2 is still being handled: a multiple ack up to 3 would ack it.
        #expect(coalescer.acks(for: [1, 3, 4]) == [.single(1), .single(3), .single(4)])
        #expect(coalescer.settledThrough == 1)
        // 2 settles: the prefix passes over 3 and 4 (acked already) and takes 5.
        #expect(coalescer.acks(for: [2, 5]) == [.upTo(5)])
        #expect(coalescer.settledThrough == 5)
    }

    @Test("the multiple ack stops at its last ack, not at a settled tag past it")
    func multipleAckEndsOnAnAck() {
        var coalescer = AckCoalescer(serial: 1)
        coalescer.settledIndividually(3)  // rejected: not outstanding any more
        #expect(coalescer.acks(for: [1, 2]) == [.upTo(2)])
        #expect(coalescer.settledThrough == 3)
        #expect(coalescer.acks(for: [4, 5]) == [.upTo(5)])
    }

    @Test("rejects and waited-for acks are settled on their own and fill gaps")
    func individualSettlements() {
        var coalescer = AckCoalescer(serial: 1)
        #expect(coalescer.acks(for: [2, 3]) == [.single(2), .single(3)])
        coalescer.settledIndividually(1)
        #expect(coalescer.settledThrough == 3)
        coalescer.settledIndividually(5)
        #expect(coalescer.acks(for: [4, 6]) == [.upTo(6)])
        #expect(coalescer.settledThrough == 6)
    }

    @Test("past the limit of settled tags behind a gap, every ack goes out on its own")
    func stopsCoalescingBehindAStuckDelivery() {
        var coalescer = AckCoalescer(serial: 1, limit: 3)
        #expect(coalescer.acks(for: [2, 3, 4]) == [.single(2), .single(3), .single(4)])
        #expect(coalescer.isCoalescing)
        #expect(coalescer.acks(for: [5]) == [.single(5)])
        #expect(!coalescer.isCoalescing)
        #expect(coalescer.acks(for: [1, 6, 7]) == [.single(1), .single(6), .single(7)])
    }
}
