import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import ServiceKit

/// What an upstream client error means: for the address's health, and for the client.
enum UpstreamFailure {
    /// The outcome an error counts as.
    static func outcome(of error: any Error) -> UpstreamOutcome {
        if error is UpstreamTimedOut {
            return .timedOut
        }
        if error is RequestBodyRelay.TooLarge || error is RequestBodyRelay.ClientFailed || error is CancellationError {
            return .abandoned
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return .timedOut
            case .cancelled: return .abandoned
            case .connectTimeout: return .connectFailed
            default: return .failed
            }
        }
        if error is NIOConnectionError {
            return .connectFailed
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .connectFailed
        }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT].contains(error.errnoCode) {
            return .connectFailed
        }
        return .failed
    }

    /// Whether an idempotent request may go to the next address: nothing was sent (the
    /// connection failed), or a kept-alive connection turned out closed or reset by the upstream
    /// before any answer (a replica that just stopped; sending an idempotent request again is safe).
    static func mayRetry(_ error: any Error, outcome: UpstreamOutcome) -> Bool {
        if outcome == .connectFailed || (error as? HTTPClientError) == .remoteConnectionClosed || error is UpstreamConnectionClosed {
            return true
        }
        if let error = error as? IOError {
            return [ECONNRESET, EPIPE].contains(error.errnoCode)
        }
        return false
    }

    /// The problem the client gets.
    static func problem(for error: any Error, outcome: UpstreamOutcome, route: Route) -> HTTPProblem {
        if let tooLarge = error as? RequestBodyRelay.TooLarge {
            return HTTPProblem(.contentTooLarge, detail: "The request body is larger than \(tooLarge.limit) bytes.")
        }
        if outcome == .timedOut {
            return HTTPProblem(.gatewayTimeout, detail: "The service behind \(route.prefix) did not answer in time.")
        }
        return HTTPProblem(.badGateway, detail: "The service behind \(route.prefix) is not answering.")
    }
}

/// The upstream closed a connection before its answer was complete (on the event-loop path).
struct UpstreamConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the upstream closed the connection" }
}

/// The upstream did not answer within the route's timeout (on the event-loop path).
struct UpstreamTimedOut: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "no answer within \(timeout)" }
}
