import Logging

/// An ack nobody waits for (``AMQPConnection/ackWithoutWaiting(_:)``), taken from the mailbox
/// and not sent yet.
struct HeldAck {
    let receipt: DeliveryReceipt
    let deliveryTag: UInt64
    /// When the driver took it from the mailbox.
    let takenAt: ContinuousClock.Instant
}

/// Sending the acks nobody waits for, coalesced.
///
/// They are held back so that most go out as one `multiple` ack: until ``ackBatchSize`` of
/// them wait, or the oldest has waited ``AMQPConfiguration/ackHoldTime``. Then those that
/// extend a channel's settled prefix go out as one ack; one past a gap (a delivery still being
/// handled) stays held until it has waited the hold time itself, since the gap usually closes
/// within it (see ``AckCoalescer``). Any other command sends them all first, so the order of
/// commands on a channel is kept, and shutting down sends them at once.
extension ConnectionDriver {
    /// How many held acks are sent without waiting for the hold time: a quarter of the
    /// smallest prefetch window of the consumers (so the broker always has most of each window
    /// to deliver into); 1 without consumers, or when acks are not held at all.
    var ackBatchSize: Int {
        guard configuration.ackHoldTime > .zero else { return 1 }
        let smallestWindow = consumers.values.lazy.map { Int($0.subscription.prefetch) }.filter { $0 > 0 }.min()
        return max(1, (smallestWindow ?? 4) / 4)
    }

    /// Holds the ack of `deliveryTag` until ``sendDueAcks()`` or another command sends it.
    func holdAck(_ receipt: DeliveryReceipt, deliveryTag: UInt64) {
        pendingAcks.append(HeldAck(receipt: receipt, deliveryTag: deliveryTag, takenAt: .now))
    }

    /// Sends the held acks that are due: all of them while shutting down; else, once enough
    /// wait or the oldest has waited its hold time, all but those past a gap that have not.
    func sendDueAcks() throws(SessionError) {
        guard let oldest = pendingAcks.first?.takenAt else { return }
        if case .draining = phase {
            try sendPendingAcks()
            return
        }
        let now = ContinuousClock.now
        if pendingAcks.count >= ackBatchSize || now - oldest >= configuration.ackHoldTime {
            try sendPendingAcks(holdingGapsTakenAfter: now - configuration.ackHoldTime)
        }
    }

    /// How long the thread may wait before held acks are due (nil: none are held), and how
    /// many more acks queued in the mailbox should wake it sooner.
    func ackDeadline() -> (remaining: Duration?, acksToWake: Int) {
        guard let oldest = pendingAcks.first?.takenAt else { return (nil, 1) }
        return (max(.zero, oldest + configuration.ackHoldTime - .now), ackBatchSize - pendingAcks.count)
    }

    /// Sends the held acks: per channel, one `multiple` ack for those that extend the channel's
    /// settled prefix, the others one by one, except (with `cutoff`) those past a gap taken
    /// after `cutoff`, which stay held. Acks of a channel instance that is gone are dropped:
    /// the broker redelivers those.
    func sendPendingAcks(holdingGapsTakenAfter cutoff: ContinuousClock.Instant? = nil) throws(SessionError) {
        guard !pendingAcks.isEmpty else { return }
        let acks = pendingAcks
        pendingAcks.removeAll(keepingCapacity: true)
        guard let session else { return }
        var acksByChannel: [UInt16: [HeldAck]] = [:]
        var channels: [UInt16] = []
        for ack in acks {
            let receipt = ack.receipt
            guard receipt.channelSerial != 0, session.serial(of: receipt.channel) == receipt.channelSerial else {
                logger.debug(
                    "AMQP settle of a stale delivery ignored; the broker redelivers it",
                    metadata: ["amqp.delivery_tag": "\(ack.deliveryTag)", "amqp.channel": "\(receipt.channel)"]
                )
                continue
            }
            if acksByChannel[receipt.channel] == nil { channels.append(receipt.channel) }
            acksByChannel[receipt.channel, default: []].append(ack)
        }
        for channel in channels {
            guard let channelAcks = acksByChannel[channel], let receipt = channelAcks.first?.receipt else { continue }
            var coalescer = coalescer(channel: channel, serial: receipt.channelSerial)
            var (sending, held) = coalescer.acks(for: channelAcks.map(\.deliveryTag), holdingGaps: cutoff != nil)
            if let cutoff, !held.isEmpty {
                let heldTags = Set(held)
                let stillHeld = channelAcks.filter { heldTags.contains($0.deliveryTag) && $0.takenAt > cutoff }
                let stillHeldTags = Set(stillHeld.map(\.deliveryTag))
                // Held long enough behind a gap: on their own now, so they free their slots.
                sending += coalescer.acks(for: held.filter { !stillHeldTags.contains($0) }).acks
                pendingAcks += stillHeld
            }
            for ack in sending {
                switch ack {
                case .single(let tag): try session.ack(deliveryTag: tag, channel: channel)
                case .upTo(let tag): try session.ack(deliveryTag: tag, multiple: true, channel: channel)
                }
            }
            ackCoalescers[channel] = coalescer
        }
        // Oldest first again (each channel's are in order already).
        if channels.count > 1 { pendingAcks.sort { $0.takenAt < $1.takenAt } }
    }

    /// Records that a delivery of `channel`'s instance `serial` was settled on its own.
    func settledIndividually(_ deliveryTag: UInt64, channel: UInt16, serial: UInt64) {
        var coalescer = coalescer(channel: channel, serial: serial)
        coalescer.settledIndividually(deliveryTag)
        ackCoalescers[channel] = coalescer
    }

    /// The coalescer of `channel`'s instance `serial`: a new one for a new instance.
    private func coalescer(channel: UInt16, serial: UInt64) -> AckCoalescer {
        if let existing = ackCoalescers[channel], existing.serial == serial { return existing }
        return AckCoalescer(serial: serial)
    }
}
