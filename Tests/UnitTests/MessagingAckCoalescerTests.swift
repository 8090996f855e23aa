import Testing

@testable import Messaging

@Suite("ack coalescing: a multiple ack only ever covers settled deliveries")
struct MessagingAckCoalescerTests {
    @Test("in-order acks go out as one multiple ack up to the last of them")
    func contiguousPrefix() {
        var coalescer = AckCoalescer(serial: 1)
        #expect(coalescer.acks(for: [3, 1, 2]).acks == [.upTo(3)])
        #expect(coalescer.settledThrough == 3)
        #expect(coalescer.acks(for: [4]).acks == [.single(4)])
        #expect(coalescer.acks(for: [5, 6]).acks == [.upTo(6)])
    }

    @Test("an ack beyond an unsettled delivery goes out on its own at once, and a later prefix passes over it")
    func gapBlocksTheMultipleAck() {
        var coalescer = AckCoalescer(serial: 1)
        // 2 is still being handled: a multiple ack up to 3 would ack it.
        #expect(coalescer.acks(for: [1, 3, 4]).acks == [.single(1), .single(3), .single(4)])
        #expect(coalescer.settledThrough == 1)
        // 2 settles: the prefix passes over 3 and 4 (acked already) and takes 5.
        #expect(coalescer.acks(for: [2, 5]).acks == [.upTo(5)])
        #expect(coalescer.settledThrough == 5)
    }

    @Test("the multiple ack stops at its last ack, not at a settled tag past it")
    func multipleAckEndsOnAnAck() {
        var coalescer = AckCoalescer(serial: 1)
        coalescer.settledIndividually(3)  // rejected: not outstanding any more
        #expect(coalescer.acks(for: [1, 2]).acks == [.upTo(2)])
        #expect(coalescer.settledThrough == 3)
        #expect(coalescer.acks(for: [4, 5]).acks == [.upTo(5)])
    }

    @Test("rejects and waited-for acks are settled on their own and fill gaps")
    func individualSettlements() {
        var coalescer = AckCoalescer(serial: 1)
        #expect(coalescer.acks(for: [2, 3]).acks == [.single(2), .single(3)])
        coalescer.settledIndividually(1)
        #expect(coalescer.settledThrough == 3)
        coalescer.settledIndividually(5)
        #expect(coalescer.acks(for: [4, 6]).acks == [.upTo(6)])
        #expect(coalescer.settledThrough == 6)
    }

    @Test("while gaps may be held, acks past a gap wait for it to close, then go out in one multiple ack")
    func heldGaps() {
        var coalescer = AckCoalescer(serial: 1)
        // 3 is still being handled.
        let first = coalescer.acks(for: [5, 1, 2, 4], holdingGaps: true)
        #expect(first.acks == [.upTo(2)])
        #expect(first.held == [4, 5])
        #expect(coalescer.settledThrough == 2)
        // 3 settles: one ack covers it and the held ones.
        let second = coalescer.acks(for: [4, 3, 6, 5], holdingGaps: true)
        #expect(second.acks == [.upTo(6)])
        #expect(second.held.isEmpty)
        // Held past its time, an ack behind a gap goes out on its own.
        let third = coalescer.acks(for: [8], holdingGaps: true)
        #expect(third.acks.isEmpty && third.held == [8])
        #expect(coalescer.acks(for: [8]).acks == [.single(8)])
        #expect(coalescer.acks(for: [7, 9]).acks == [.upTo(9)])
    }

    @Test("past the limit of settled tags behind a gap, every ack goes out on its own")
    func stopsCoalescingBehindAStuckDelivery() {
        var coalescer = AckCoalescer(serial: 1, limit: 3)
        #expect(coalescer.acks(for: [2, 3, 4]).acks == [.single(2), .single(3), .single(4)])
        #expect(coalescer.isCoalescing)
        #expect(coalescer.acks(for: [5]).acks == [.single(5)])
        #expect(!coalescer.isCoalescing)
        #expect(coalescer.acks(for: [1, 6, 7]).acks == [.single(1), .single(6), .single(7)])
    }
}
