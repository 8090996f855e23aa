import Contracts
import Foundation
import Logging
import Messaging
import ServiceKit

extension QueueWorker {
    /// How a delivery is settled.
    enum Outcome: Sendable {
        case success
        /// Try again after the backoff delay; `countsAsAttempt` is false for dependency outages
        /// and ``RetryLater``; `backingOff`: the delay grows with the failures so far, though
        /// the attempt does not (``RetryLater``).
        case retry(reason: String, countsAsAttempt: Bool, backingOff: Bool = false)
        case deadLetter(reason: String)
    }

    /// One delivery or batch after its handler ran: what to settle.
    struct HandledWork: Sendable {
        let deliveries: [Delivery]
        let contexts: [MessageContext]
        /// One per delivery.
        let results: [Result<Void, any Error>]
        /// The handler passed its deadline: the watchdog cancelled the calling task.
        let expired: Bool
    }

    /// Runs the handler on one delivery or one batch, in the calling task, under the deadline
    /// watchdog. After an expired run the task is cancelled for good (see ``DeadlineWatchdog``).
    func handle(_ deliveries: [Delivery]) async -> HandledWork {
        let start = ContinuousClock.now
        let deadline = start + settings.handlerTimeout
        let contexts = deliveries.map { context(for: $0, deadline: deadline) }
        for _ in deliveries {
            metrics.received.increment()
            metrics.started()
        }
        defer {
            for _ in deliveries { metrics.finished() }
        }

        let run = await watchdog.run(until: deadline) { await invoker.invoke(deliveries, contexts: contexts) }
        let results = run.expired
            ? Array(repeating: .failure(HandlerTimeout(seconds: settings.handlerTimeout.components.seconds)), count: deliveries.count)
            : run.value
        if run.expired || !Task.isCancelled {
            metrics.handlerDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        }
        return HandledWork(deliveries: deliveries, contexts: contexts, results: results, expired: run.expired)
    }

    /// Settles each delivery of `work` by its own result.
    func settle(_ work: HandledWork) async {
        for (delivery, (result, context)) in zip(work.deliveries, zip(work.results, work.contexts)) {
            await settle(delivery, outcome(of: result, attempt: delivery.attempt), context: context)
        }
    }

    /// The outcome of a handler's result for a delivery on its `attempt`.
    func outcome(of result: Result<Void, any Error>, attempt: Int) -> Outcome {
        switch result {
        case .success:
            return .success
        case .failure(let error as MessageDecodingError):
            return .deadLetter(reason: "cannot be decoded: \(error)")
        case .failure(let failure as PermanentFailure):
            return .deadLetter(reason: failure.reason)
        case .failure(let later as RetryLater):
            return .retry(reason: "not yet: \(later.reason)", countsAsAttempt: false, backingOff: true)
        case .failure(let error):
            let reason = Self.describe(error)
            if DependencyOutage.isOutage(error) {
                return .retry(reason: "dependency unavailable: \(reason)", countsAsAttempt: false)
            }
            return attempt >= policy.maxAttempts
                ? .deadLetter(reason: "failed \(attempt) times, last: \(reason)")
                : .retry(reason: reason, countsAsAttempt: true)
        }
    }

    /// The context a handler gets for `delivery`.
    func context(for delivery: Delivery, deadline: ContinuousClock.Instant) -> MessageContext {
        MessageContext(
            messageID: delivery.properties.messageID ?? "unidentified-\(delivery.deliveryTag)",
            correlationID: delivery.properties.correlationID,
            messageType: delivery.properties.type,
            attempt: delivery.attempt,
            deadline: deadline,
            traceParent: delivery.traceParent,
            logger: logger,
            publisher: publisher
        )
    }

    static func describe(_ error: any Error) -> String {
        String(String(reflecting: error).prefix(1000))
    }
}

/// The handler ran past its deadline.
struct HandlerTimeout: Error, CustomStringConvertible {
    var seconds: Int64
    var description: String { "the handler did not finish within \(seconds) s" }
}

extension Duration {
    /// The whole duration in nanoseconds, for metrics.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
