/// The acks of one consumer channel instance, sent as few `basic.ack` frames as is safe.
///
/// A consumer channel's delivery tags count up from 1, and `basic.ack` with `multiple` acks
/// every outstanding delivery up to its tag; so it may only cover tags that are all settled.
/// The coalescer keeps the tag up to which everything is settled; the held acks that extend
/// that prefix go out as one `multiple` ack. An ack past a gap (a delivery still being handled)
/// is held back with the others while it may be (see ``ConnectionDriver/sendDueAcks()``),
/// since the gap usually closes soon; after that it goes out on its own (held any longer, it
/// would keep its prefetch slot and stall the consumer behind a slow handler), and is
/// remembered as settled, so a later prefix can pass over it. Rejects and acks someone waits
/// for are sent on their own and recorded the same way.
struct AckCoalescer {
    /// A `basic.ack` to send.
    enum Ack: Equatable {
        /// `multiple = false`: this delivery.
        case single(UInt64)
        /// `multiple = true`: every outstanding delivery up to this tag.
        case upTo(UInt64)
    }

    /// The channel instance (its opening serial): tags start again at 1 on a new one.
    let serial: UInt64
    /// Every delivery up to this tag is settled (its ack, or reject, sent or covered).
    private(set) var settledThrough: UInt64 = 0
    /// Tags above `settledThrough` settled on their own already.
    private var settledAbove: Set<UInt64> = []
    /// False once `settledAbove` grew past `limit` (a delivery that is never settled): from
    /// then on, every ack goes out on its own.
    private(set) var isCoalescing = true
    private let limit: Int

    init(serial: UInt64, limit: Int = 65_536) {
        self.serial = serial
        self.limit = limit
    }

    /// The acks to send now for `tags` (acked since the last call, in any order): one ack
    /// covering those that extend the settled prefix, then the others on their own, or, with
    /// `holdingGaps`, not yet: those are `held`, to be passed again to a later call.
    mutating func acks(for tags: [UInt64], holdingGaps: Bool = false) -> (acks: [Ack], held: [UInt64]) {
        guard isCoalescing else { return (tags.map(Ack.single), []) }
        var pending = Set(tags)
        var next = settledThrough + 1
        var lastAcked: UInt64?
        var coveredAcks = 0
        while true {
            if pending.remove(next) != nil {
                lastAcked = next
                coveredAcks += 1
            } else if settledAbove.remove(next) == nil {
                break
            }
            next += 1
        }
        // Up to the last ack of the prefix, not beyond: a tag past it is settled already, and
        // a multiple ack's own tag must be outstanding.
        var acks: [Ack] = []
        if let lastAcked {
            acks.append(coveredAcks == 1 ? .single(lastAcked) : .upTo(lastAcked))
        }
        settledThrough = next - 1
        var held: [UInt64] = []
        for tag in pending.sorted() {
            if holdingGaps, tag > settledThrough {
                held.append(tag)
                continue
            }
            acks.append(.single(tag))
            if tag > settledThrough { settledAbove.insert(tag) }
        }
        stopCoalescingIfTooMany()
        return (acks, held)
    }

    /// Records that `tag` was settled on its own (a reject, or an ack someone waits for).
    mutating func settledIndividually(_ tag: UInt64) {
        guard isCoalescing else { return }
        if tag == settledThrough + 1 {
            settledThrough = tag
            while settledAbove.remove(settledThrough + 1) != nil {
                settledThrough += 1
            }
        } else if tag > settledThrough {
            settledAbove.insert(tag)
            stopCoalescingIfTooMany()
        }
    }

    private mutating func stopCoalescingIfTooMany() {
        if settledAbove.count > limit {
            isCoalescing = false
            settledAbove = []
        }
    }
}
