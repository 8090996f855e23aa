extension DeliveryInbox {
    /// A batch of deliveries: waits for the first one, then takes more until there are `size`
    /// or `wait` has passed since the first was taken, whichever comes first. So a batch
    /// waits for company only as long as its first message allows: at low load a lone message
    /// goes out after `wait`, at high load full batches go out at once.
    ///
    /// Empty once the consumer has ended and nothing is left, or when the calling task is
    /// cancelled while waiting for the first delivery; a batch being filled is returned as it
    /// is when the consumer ends or the task is cancelled.
    public func takeBatch(size: Int, wait: Duration) async -> [Delivery] {
        precondition(size > 0, "a batch holds at least one delivery")
        var batch = await take(upTo: size)
        guard !batch.isEmpty else { return [] }
        let deadline = ContinuousClock.now + wait
        while batch.count < size {
            let more = await take(upTo: size - batch.count, waitingUntil: deadline)
            if more.isEmpty { break }
            batch += more
        }
        return batch
    }
}
