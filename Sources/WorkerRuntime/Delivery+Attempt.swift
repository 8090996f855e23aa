import Contracts
import Messaging

/// The headers the runtime reads and writes on the messages it moves.
public enum WorkerHeaders {
    /// The attempt this delivery is (1 when absent).
    public static let attempt = "x-attempt"
    /// Why the message was dead-lettered, or the last error before a retry.
    public static let reason = "x-failure-reason"
    /// When each failed attempt ended (ISO 8601 strings, oldest first).
    public static let failures = "x-failures"
    /// When it was dead-lettered (ISO 8601).
    public static let failedAt = "x-failed-at"
    /// Which worker process dead-lettered it (`<queue>@<host>:<pid>`).
    public static let worker = "x-failed-by"
    /// The work queue it came from (where a replay puts it back).
    public static let originalQueue = "x-original-queue"
    /// The W3C trace context of the request that started the work.
    public static let traceParent = "traceparent"
}

extension Delivery {
    /// The attempt this delivery is: from the runtime's header, 1 when absent.
    public var attempt: Int {
        switch properties.headers[WorkerHeaders.attempt] {
        case .int(let value): max(1, Int(value))
        case .string(let text): max(1, Int(text) ?? 1)
        default: 1
        }
    }

    /// When the earlier attempts failed, as recorded by the runtime.
    var failureTimes: [AMQPValue] {
        if case .array(let times) = properties.headers[WorkerHeaders.failures] {
            return times
        }
        return []
    }

    /// The trace this message belongs to, if it carries a valid `traceparent` header.
    var traceParent: TraceParent? {
        if case .string(let text) = properties.headers[WorkerHeaders.traceParent] {
            return TraceParent(text)
        }
        return nil
    }
}
