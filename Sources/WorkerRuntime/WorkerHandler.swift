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

/// An error no retry can fix (a reference to something that does not exist, a rule the
/// message breaks): the message goes to `<queue>.dead` at once, with this reason.
public struct PermanentFailure: Error, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
