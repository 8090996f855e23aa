/// Why an operation on a live rabbitmq-c connection failed.
enum SessionError: Error {
    /// The connection is unusable (socket error, missed heartbeats, broker closed it):
    /// tear it down and reconnect.
    case connection(reason: String)
    /// The broker closed one channel (close-ok already sent); the connection lives on.
    case channel(UInt16, code: Int, text: String)

    /// The error a caller sees.
    var amqpError: AMQPError {
        switch self {
        case .connection(let reason): .connectionLost(reason: reason)
        case .channel(_, let code, let text): .channelClosed(code: code, text: text)
        }
    }
}
