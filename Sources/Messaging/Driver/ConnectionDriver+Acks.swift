import Logging

/// Sending the acks nobody waits for (``AMQPConnection/ackWithoutWaiting(_:)``), coalesced.
extension ConnectionDriver {
    /// Sends the acks taken from the mailbox so far: per channel, one `multiple` ack for those
    /// that extend the channel's settled prefix, the others one by one (see ``AckCoalescer``).
    /// Acks of a channel instance that is gone are dropped: the broker redelivers those.
    func sendPendingAcks() throws(SessionError) {
        guard !pendingAcks.isEmpty else { return }
        let acks = pendingAcks
        pendingAcks.removeAll(keepingCapacity: true)
        guard let session else { return }
        var tagsByChannel: [UInt16: (serial: UInt64, tags: [UInt64])] = [:]
        var channels: [UInt16] = []
        for (receipt, deliveryTag) in acks {
            guard receipt.channelSerial != 0, session.serial(of: receipt.channel) == receipt.channelSerial else {
                logger.debug(
                    "AMQP settle of a stale delivery ignored; the broker redelivers it",
                    metadata: ["amqp.delivery_tag": "\(deliveryTag)", "amqp.channel": "\(receipt.channel)"]
                )
                continue
            }
            if tagsByChannel[receipt.channel] == nil {
                channels.append(receipt.channel)
                tagsByChannel[receipt.channel] = (receipt.channelSerial, [])
            }
            tagsByChannel[receipt.channel]?.tags.append(deliveryTag)
        }
        for channel in channels {
            guard let (serial, tags) = tagsByChannel[channel] else { continue }
            var coalescer = coalescer(channel: channel, serial: serial)
            for ack in coalescer.acks(for: tags) {
                switch ack {
                case .single(let tag): try session.ack(deliveryTag: tag, channel: channel)
                case .upTo(let tag): try session.ack(deliveryTag: tag, multiple: true, channel: channel)
                }
            }
            ackCoalescers[channel] = coalescer
        }
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
