import ArgumentParser
import PostgresNIO

/// Why a shopctl command failed, and so which exit code it ends with.
///
/// The exit codes are part of the interface scripts rely on (see `shopctl --help`):
/// 0 success, 1 the operation failed, 64 the command line or its input is invalid.
struct ShopctlError: Error, Sendable, CustomStringConvertible {
    /// The two ways a command can fail.
    enum Kind: Sendable {
        /// The operation failed: a server unreachable, a queue missing, nothing to replay... (exit 1).
        case failure
        /// The command line or its input is invalid: unknown queue, invalid body... (exit 64,
        /// as ArgumentParser exits for usage errors).
        case usage
    }

    var kind: Kind
    /// What went wrong, for the operator: one or two sentences, no secrets.
    var message: String

    /// An operation that failed (exit 1).
    static func failure(_ message: String) -> ShopctlError {
        ShopctlError(kind: .failure, message: message)
    }

    /// Invalid command line or input (exit 64).
    static func usage(_ message: String) -> ShopctlError {
        ShopctlError(kind: .usage, message: message)
    }

    /// The process exit code for this error.
    var exitCode: ExitCode {
        switch kind {
        case .failure: .failure
        case .usage: .validationFailure
        }
    }

    var description: String { message }
}

extension ShopctlError {
    /// Any error a command throws, as the message and exit code the operator sees. Errors of
    /// the libraries describe themselves without secrets; settings and `queues.yaml` problems
    /// are failures (exit 1) since they are the environment's, not the command line's.
    init(describing error: any Error) {
        switch error {
        case let error as ShopctlError:
            self = error
        case let error as ValidationError:
            self = .usage(error.message)
        case let error as PSQLError:
            // PSQLError describes itself generically on purpose; say what kind of failure it is
            // and the server's message, which carry no credentials.
            var message = "PostgreSQL (DATABASE_URL): \(error.code)"
            if let serverMessage = error.serverInfo?[.message] { message += ": \(serverMessage)" }
            if let underlying = error.underlying { message += ": \(underlying)" }
            self = .failure(message)
        default:
            self = .failure(String(describing: error))
        }
    }
}
