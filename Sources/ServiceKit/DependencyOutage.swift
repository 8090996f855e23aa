import Messaging
import PostgresNIO
import RedisStore
import Storage

/// Tells a dependency being down (PostgreSQL, Redis or RabbitMQ unreachable or restarting, or
/// any other reported as ``DependencyUnavailable``) from a failure of the work itself. Workers
/// retry an outage without using up an attempt (a long outage never pushes good messages into
/// the dead-letter queue); services answer it with `503` and `Retry-After`, not `500`.
public enum DependencyOutage {
    public static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case is DependencyUnavailable, is DatabaseError:
            return true
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08 (connection exception) and 57P (operator intervention: shutdown, restart, startup).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P")
            default:
                return false
            }
        case let error as RedisError:
            return error.isTransient
        case let error as AMQPError:
            switch error {
            case .connectionLost, .connectionFailed, .timeout: return true
            default: return false
            }
        default:
            return false
        }
    }
}

/// An error of a dependency this module does not know, which its caller has recognised as
/// the dependency being down, not the work being wrong: e.g. the send-email worker's SMTP
/// server not answering (`MailError.isServerUnreachable`; ServiceKit does not depend on the
/// mail client, which only the send-email worker links).
public struct DependencyUnavailable: Error, CustomStringConvertible {
    /// The dependency's own error.
    public var underlying: any Error

    public init(_ underlying: any Error) {
        self.underlying = underlying
    }

    public var description: String { "\(underlying)" }
}
