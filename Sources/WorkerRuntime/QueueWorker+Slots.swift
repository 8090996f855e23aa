import Logging
import Messaging

/// The handler slots: `concurrency` long-lived tasks that each take the next delivery (or
/// batch) from the inbox, handle it, settle it, and take the next.
///
/// No task per message: the handler runs in its slot's task. The deadline watchdog cancels
/// that task when a handler passes its deadline, and a cancelled task stays cancelled, so the
/// slot then ends, handing its work back; a new slot settles it (in a task that is not
/// cancelled, so the retry is published as for any failure) and takes over (the rare path).
///
/// Graceful shutdown: once stopping, a slot hands what it takes back to the broker instead of
/// handling it; once the consumer has ended (after the deliveries the broker sent before its
/// cancel-ok) the slots end as they run out of work, and whatever still runs when the grace
/// period is over is cancelled and left unacknowledged, for the broker to redeliver.
extension QueueWorker {
    /// What the slots' task group reports.
    enum SlotEvent: Sendable {
        /// A slot ran out of deliveries for good (or was cancelled).
        case slotEnded
        /// A slot's handler passed its deadline; its task is cancelled.
        case expired(HandledWork)
        /// The consumer ended: the grace period starts.
        case deliveriesEnded
        case gracePeriodOver
    }

    /// Runs the slots until the consumer has ended and they have finished their work, or the
    /// grace period after the end is over.
    func consume(_ inbox: DeliveryInbox, stopping: StoppingFlag) async {
        await withTaskGroup(of: SlotEvent.self) { group in
            for _ in 0..<policy.concurrency {
                group.addTask { await runSlot(inbox, stopping: stopping) }
            }
            group.addTask {
                await inbox.waitUntilFinished()
                return .deliveriesEnded
            }
            var slots = policy.concurrency
            while slots > 0, let event = await group.next() {
                switch event {
                case .slotEnded:
                    slots -= 1

                case .expired(let work):
                    group.addTask {
                        await settleExpired(work)
                        return await runSlot(inbox, stopping: stopping)
                    }

                case .deliveriesEnded:
                    guard !Task.isCancelled else { break }
                    let inFlight = metrics.inFlightCount
                    if inFlight > 0 {
                        logger.info("waiting for messages in flight", metadata: ["in_flight": "\(inFlight)"])
                    }
                    group.addTask { [gracePeriod = settings.shutdownGracePeriod] in
                        try? await Task.sleep(for: gracePeriod)
                        return .gracePeriodOver
                    }

                case .gracePeriodOver:
                    guard !Task.isCancelled else { break }
                    logger.warning(
                        "grace period over: abandoning unfinished messages to redelivery",
                        metadata: ["in_flight": "\(metrics.inFlightCount)"]
                    )
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
    }

    /// One slot: takes, handles and settles deliveries until the inbox is drained or the task
    /// is cancelled (then `.slotEnded`), or until a handler passes its deadline (`.expired`).
    func runSlot(_ inbox: DeliveryInbox, stopping: StoppingFlag) async -> SlotEvent {
        while true {
            let deliveries =
                if let batch {
                    await inbox.takeBatch(size: batch.size, wait: batch.wait)
                } else {
                    await inbox.take(upTo: 1)
                }
            guard !deliveries.isEmpty, !Task.isCancelled else {
                // Anything taken stays unacknowledged; the broker redelivers it.
                return .slotEnded
            }
            if stopping.isSet {
                await requeue(deliveries)
                continue
            }
            let work = await handle(deliveries)
            if work.expired {
                return .expired(work)
            }
            if Task.isCancelled {
                abandoned(work)
                return .slotEnded
            }
            await settle(work)
        }
    }

    /// Settles the work of a slot whose handler passed its deadline, unless the worker is
    /// being cancelled meanwhile.
    private func settleExpired(_ work: HandledWork) async {
        if Task.isCancelled {
            abandoned(work)
            return
        }
        await settle(work)
    }

    private func abandoned(_ work: HandledWork) {
        logger.warning("handler abandoned at shutdown; the broker will redeliver", metadata: ["messages": "\(work.deliveries.count)"])
    }
}
