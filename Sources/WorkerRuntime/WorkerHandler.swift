import Contracts

/// A worker's function: what it does with one message of its queue.
///
/// The runtime decodes each delivery into `Message`, calls `handle`, and settles the
/// delivery by the outcome: returning acks it; throwing ``PermanentFailure`` (or a message
/// that cannot be decoded) sends it to `<queue>.dead` at once; any other error retries it
/// after the queue's backoff delay, until `maxAttempts`, then dead-letters it.
///
/// `handle` must be idempotent: a message can arrive twice (a crash after the effect and
/// before the ack). Guard on state, or use unique keys.
public protocol WorkerHandler: Sendable {
    associatedtype Message: IncomingMessage
    func handle(_ message: Message, context: MessageContext) async throws
}

/// A worker's function over batches, like Lambda's partial batch responses: the runtime
/// collects up to `batch.size` messages (waiting at most `batch.wait`, from `queues.yaml`),
/// and the handler reports which of them failed. Each message is then settled on its own:
/// the ones not reported are acked, each failed one is retried or dead-lettered by its error,
/// exactly as for ``WorkerHandler``. Throwing fails every message of the batch.
public protocol BatchWorkerHandler: Sendable {
    associatedtype Message: IncomingMessage
    func handle(_ batch: [BatchItem<Message>]) async throws -> BatchFailures
}

/// One message of a batch, with its own context (id, attempt, logger, publishing).
public struct BatchItem<Message: IncomingMessage>: Sendable {
    public let message: Message
    public let context: MessageContext
}

/// The messages of a batch that failed, by their index in the batch.
public struct BatchFailures: Sendable {
    public private(set) var errors: [Int: any Error] = [:]

    public init() {}

    /// Every message succeeded.
    public static var none: BatchFailures { BatchFailures() }

    /// Records that the message at `index` failed with `error`.
    public mutating func record(_ error: any Error, at index: Int) {
        errors[index] = error
    }
}

/// An error no retry can fix (a reference to something that does not exist, a rule the
/// message breaks): the message goes to `<queue>.dead` at once, with this reason.
public struct PermanentFailure: Error, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// The message cannot be handled yet, for a reason outside it that time will clear (another
/// worker holds the same work now): retried after the backoff delay, like an outage, without
/// using up an attempt, so waiting never dead-letters it.
public struct RetryLater: Error, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
