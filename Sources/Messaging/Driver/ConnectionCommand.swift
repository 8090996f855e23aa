/// How to settle a delivery.
enum Settlement: Sendable {
    case ack
    case reject(requeue: Bool)
}

/// A consumer registered with ``AMQPConnection/consume(queue:prefetch:)`` or
/// ``AMQPConnection/subscribe(queue:prefetch:)``.
struct ConsumerSubscription: Sendable {
    let id: UInt64
    let queue: String
    let prefetch: UInt16
    let sink: DeliverySink
}

/// Where a consumer's deliveries go.
enum DeliverySink: Sendable {
    case stream(AsyncStream<Delivery>.Continuation)
    case inbox(DeliveryInbox)

    /// Passes `delivery` on; false if the consumer side is gone (give it back to the broker).
    func deliver(_ delivery: Delivery) -> Bool {
        switch self {
        case .stream(let continuation):
            if case .terminated = continuation.yield(delivery) { return false }
            return true
        case .inbox(let inbox):
            return inbox.append(delivery)
        }
    }

    /// No more deliveries.
    func finish() {
        switch self {
        case .stream(let continuation): continuation.finish()
        case .inbox(let inbox): inbox.finish()
        }
    }
}

/// Work a caller hands to the driver thread, with the continuation the thread resumes.
/// Commands that need the broker carry a deadline: while disconnected they wait for a
/// connection until then, and fail with ``AMQPError/timeout(operation:)`` after.
enum ConnectionCommand: Sendable {
    case publish([OutgoingMessage], deadline: ContinuousClock.Instant, CheckedContinuation<[Result<Void, AMQPError>], Never>)
    case declare([QueueDeclaration], deadline: ContinuousClock.Instant, CheckedContinuation<Void, any Error>)
    case queueState(String, deadline: ContinuousClock.Instant, CheckedContinuation<QueueState?, any Error>)
    case purge(String, deadline: ContinuousClock.Instant, CheckedContinuation<Int, any Error>)
    case deleteQueue(String, deadline: ContinuousClock.Instant, CheckedContinuation<Void, any Error>)
    case get(String, deadline: ContinuousClock.Instant, CheckedContinuation<Delivery?, any Error>)
    /// Without a continuation, nobody waits for the ack or reject to be sent.
    case settle(DeliveryReceipt, deliveryTag: UInt64, Settlement, CheckedContinuation<Void, any Error>?)
    case subscribe(ConsumerSubscription)
    case unsubscribe(consumerID: UInt64)
    case cancelConsumers(CheckedContinuation<Void, Never>)

    /// When a command that needs the broker stops waiting for a connection; nil for the
    /// others, which complete without one.
    var deadline: ContinuousClock.Instant? {
        switch self {
        case .publish(_, let deadline, _), .declare(_, let deadline, _), .queueState(_, let deadline, _),
            .purge(_, let deadline, _), .deleteQueue(_, let deadline, _), .get(_, let deadline, _):
            deadline
        case .settle, .subscribe, .unsubscribe, .cancelConsumers:
            nil
        }
    }

    /// What the command does, for error messages and logs.
    var operation: String {
        switch self {
        case .publish(let messages, _, _): "publish of \(messages.count) message(s)"
        case .declare(let queues, _, _): "declare of \(queues.map(\.name).joined(separator: ", "))"
        case .queueState(let queue, _, _): "queue state of \(queue)"
        case .purge(let queue, _, _): "purge of \(queue)"
        case .deleteQueue(let queue, _, _): "delete of \(queue)"
        case .get(let queue, _, _): "get from \(queue)"
        case .settle: "settling a delivery"
        case .subscribe(let subscription): "consume from \(subscription.queue)"
        case .unsubscribe: "cancelling a consumer"
        case .cancelConsumers: "cancelling consumers"
        }
    }

    /// Completes the command with `error` where that is meaningful. Settling and cancelling
    /// complete normally: with no connection the broker has already requeued the delivery,
    /// and a consumer with no connection receives nothing.
    func fail(_ error: AMQPError) {
        switch self {
        case .publish(let messages, _, let continuation):
            continuation.resume(returning: Array(repeating: .failure(error), count: messages.count))
        case .declare(_, _, let continuation): continuation.resume(throwing: error)
        case .queueState(_, _, let continuation): continuation.resume(throwing: error)
        case .purge(_, _, let continuation): continuation.resume(throwing: error)
        case .deleteQueue(_, _, let continuation): continuation.resume(throwing: error)
        case .get(_, _, let continuation): continuation.resume(throwing: error)
        case .settle(_, _, _, let continuation): continuation?.resume()
        case .subscribe(let subscription): subscription.sink.finish()
        case .unsubscribe: break
        case .cancelConsumers(let continuation): continuation.resume()
        }
    }
}
