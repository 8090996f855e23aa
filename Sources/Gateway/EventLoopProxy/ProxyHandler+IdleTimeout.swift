import NIOCore
import NIOHTTP1

/// When a client connection has sat idle too long: no new request within the limit after the
/// last answer, a request whose head or body stopped arriving for that long, or (on the
/// router's path) an answer the client took nothing of for that long, as nginx's
/// `send_timeout`: a slow client cannot hold a connection forever. Otherwise, while a request
/// is read and its answer is being made, the connection is busy, not idle: the upstream's own
/// timeout bounds that (and on the event-loop path, the exchange's stall deadline).
///
/// The same rules as Hummingbird's `HTTPConnectionStateHandler`, which the gateway's
/// connections do without: proxied requests never reach it (see ``ProxyHandler``).
struct IdleTimeout {
    /// How long a connection may sit idle; `nil`: forever.
    let limit: TimeAmount?
    private var lastActivity: NIODeadline
    /// From a request's head until its end has been read (kept with or without a limit:
    /// ``ProxyHandler`` orders the connection's requests by it too).
    private(set) var isReadingRequest = false
    /// From a request's head until its answer's end is written.
    private(set) var isAnswering = false
    /// Since when the client has taken nothing of an answer the router's path is writing (its
    /// connection not writable); `nil` otherwise.
    private var blockedSince: NIODeadline?

    /// A connection opened at `now`.
    init(limit: TimeAmount?, now: NIODeadline = .now()) {
        self.limit = limit
        self.lastActivity = now
    }

    /// What to do when a check comes due.
    enum Action: Equatable {
        case close
        case checkAgain(at: NIODeadline)
        /// Busy answering: the next check is scheduled when the answer ends.
        case none
    }

    /// A part of a request arrived.
    mutating func read(_ part: HTTPServerRequestPart) {
        switch part {
        case .head:
            isReadingRequest = true
            isAnswering = true
        case .body:
            break
        case .end:
            isReadingRequest = false
        }
        if limit != nil {
            lastActivity = .now()
        }
    }

    /// The client stopped taking the answer (the connection is not writable). Returns the
    /// deadline of the check that cuts it off unless it takes more by then.
    mutating func clientBlocked(now: NIODeadline = .now()) -> NIODeadline? {
        guard let limit, blockedSince == nil else { return nil }
        blockedSince = now
        return now + limit
    }

    /// The client takes the answer again.
    mutating func clientUnblocked() {
        blockedSince = nil
    }

    /// An answer ended: the connection is idle from now. Returns the deadline of the next check.
    mutating func answerEnded(now: NIODeadline = .now()) -> NIODeadline? {
        isAnswering = false
        blockedSince = nil
        guard let limit else { return nil }
        lastActivity = now
        return now + limit
    }

    /// The first check, when the connection opens.
    var firstCheck: NIODeadline? {
        limit.map { lastActivity + $0 }
    }

    /// The check due now.
    func check(now: NIODeadline = .now()) -> Action {
        guard let limit else { return .none }
        if let blockedSince {
            let deadline = blockedSince + limit
            return now >= deadline ? .close : .checkAgain(at: deadline)
        }
        if isAnswering, !isReadingRequest {
            return .none
        }
        let deadline = lastActivity + limit
        return now >= deadline ? .close : .checkAgain(at: deadline)
    }
}

extension ProxyHandler {
    func connectionStarted(context: ChannelHandlerContext) {
        if let deadline = idleTimeout.firstCheck {
            scheduleIdleCheck(at: deadline, context: context)
        }
    }

    /// An answer ended, on either path: the idle clock restarts.
    func restartIdleClock(context: ChannelHandlerContext) {
        if let deadline = idleTimeout.answerEnded() {
            scheduleIdleCheck(at: deadline, context: context)
        }
    }

    /// The client connection's writability changed while the router's path answers: a client
    /// that takes nothing of the answer for the idle limit is cut off. (The event-loop path's
    /// exchange has its own deadline for that.)
    func clientWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            idleTimeout.clientUnblocked()
        } else if case .passing = state, let deadline = idleTimeout.clientBlocked() {
            scheduleIdleCheck(at: deadline, context: context)
        }
    }

    /// Schedules a check unless one is pending (a check that comes early schedules the next).
    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        guard idleCheck == nil else { return }
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            switch idleTimeout.check() {
            case .close:
                context.close(promise: nil)
            case .checkAgain(let next):
                scheduleIdleCheck(at: next, context: context)
            case .none:
                break
            }
        }
    }
}
