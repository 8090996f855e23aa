/// Everything that can go wrong talking to Redis. Each case carries enough context to log it;
/// none carries a password or a command's arguments (they may be secrets or personal data).
public enum RedisError: Error, Sendable, Hashable {
    /// The server is known to be unreachable: the last connection attempt failed and the next one
    /// is delayed by the reconnect backoff, so this command failed fast without touching the network.
    case unavailable(reason: String)
    /// Opening a new connection failed (refused, unresolvable host, timeout, `AUTH`/`SELECT` rejected).
    case connectionFailed(host: String, port: Int, reason: String)
    /// A connection broke while a command ran (I/O error, server closed it, protocol error).
    /// The connection was dropped; whether the command took effect on the server is unknown.
    case io(reason: String)
    /// The server answered the command with an error reply.
    case server(message: String, command: String)
    /// The server did not answer within ``RedisConfiguration/commandTimeout``; the connection was dropped.
    case timeout(command: String)
    /// The reply had a shape the typed command did not expect.
    case unexpectedReply(command: String, RedisValue)
    /// The client was shut down.
    case shutdown
    /// The configuration (usually the URL) is invalid.
    case invalidConfiguration(reason: String)
    /// The command cannot be sent as given (for example an empty command in a pipeline).
    case invalidCommand(reason: String)
}

extension RedisError {
    /// Whether retrying later may succeed: the server was unreachable, the connection broke or the
    /// command timed out. Server error replies, bad replies and misuse are not transient.
    public var isTransient: Bool {
        switch self {
        case .unavailable, .connectionFailed, .io, .timeout: true
        case .server(let message, _): message.hasPrefix("LOADING") || message.hasPrefix("BUSY") || message.hasPrefix("TRYAGAIN")
        case .unexpectedReply, .shutdown, .invalidConfiguration, .invalidCommand: false
        }
    }
}

extension RedisError: CustomStringConvertible {
    /// A one-line explanation suitable for logs and problem details.
    public var description: String {
        switch self {
        case .unavailable(let reason): "Redis unavailable: \(reason)"
        case .connectionFailed(let host, let port, let reason): "cannot connect to Redis at \(host):\(port): \(reason)"
        case .io(let reason): "Redis connection broke: \(reason)"
        case .server(let message, let command): "Redis error reply to \(command): \(message)"
        case .timeout(let command): "Redis did not answer \(command) in time"
        case .unexpectedReply(let command, let value): "unexpected Redis reply to \(command): \(value)"
        case .shutdown: "the Redis client is shut down"
        case .invalidConfiguration(let reason): "invalid Redis configuration: \(reason)"
        case .invalidCommand(let reason): "invalid Redis command: \(reason)"
        }
    }
}
