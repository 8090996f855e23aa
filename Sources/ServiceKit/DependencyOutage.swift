import Mail
import Messaging
import PostgresNIO
import RedisStore
import Storage

/// Tells a dependency being down (PostgreSQL, Redis, RabbitMQ or the SMTP server unreachable
/// or restarting) from a failure of the work itself. Workers retry an outage without using up
/// an attempt (a long outage never pushes good messages into the dead-letter queue); services
/// answer it with `503` and `Retry-After`, not `500`.
public enum DependencyOutage {
    public static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case is DatabaseError:
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
        case let error as MailError:
            // No SMTP reply at all: the server could not be reached (a 4xx is about this mail).
            return error.isTransient && error.responseCode == nil
        default:
            return false
        }
    }
}
