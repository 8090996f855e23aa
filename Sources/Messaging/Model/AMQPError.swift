/// Everything that can go wrong talking to RabbitMQ. Descriptions never contain passwords.
public enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection URL cannot be used (the URL is shown with its password redacted).
    case invalidURL(String, reason: String)
    /// Opening the TCP connection or logging in failed.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The connection died (broker restart, network, missed heartbeats) while the operation
    /// was in flight: a publish may or may not have reached the queue. Retry, or answer 503.
    case connectionLost(reason: String)
    /// The broker refused the message (`basic.nack`): it was not enqueued.
    case nacked(messageID: String?)
    /// No queue accepted the message (`basic.return` of a mandatory publish).
    case unroutable(routingKey: String, reason: String)
    /// The broker closed the channel, e.g. 404 for a missing queue, 406 for a declaration
    /// whose arguments differ from the existing queue's.
    case channelClosed(code: Int, text: String)
    /// The operation did not complete in time (including waiting for a connection).
    case timeout(operation: String)
    /// The connection has shut down, or is shutting down, and takes no more work.
    case shutdown

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid AMQP URL '\(url)': \(reason)"
        case .connectionFailed(let host, let port, let reason):
            "cannot connect to RabbitMQ at \(host):\(port): \(reason)"
        case .connectionLost(let reason):
            "the connection to RabbitMQ was lost: \(reason)"
        case .nacked(let messageID):
            "the broker refused message \(messageID ?? "(no message id)") (basic.nack)"
        case .unroutable(let routingKey, let reason):
            "no queue accepted the message for routing key '\(routingKey)': \(reason)"
        case .channelClosed(let code, let text):
            "the broker closed the channel: \(code) \(text)"
        case .timeout(let operation):
            "timed out: \(operation)"
        case .shutdown:
            "the AMQP connection is shut down"
        }
    }
}
