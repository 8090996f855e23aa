import Contracts
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit

/// One proxied request on the event-loop path, from its head to the end of its answer: edge
/// auth and rate limit, an upstream address from the route's group (another one after a
/// failed connection, for idempotent requests), a pooled connection, and the answer relayed
/// to the client as it arrives. Everything runs on the client connection's event loop; only
/// the edge checks that need Redis or token verification leave it, once, and come back.
final class ProxyExchange {
    /// The client's request head, as ``ClientRequestParser`` read it.
    let head: HTTPRequestHead
    let entry: RouteTable.Entry
    let proxy: EdgeProxy
    /// The client connection's handler context (the exchange writes the answer there).
    let client: ChannelHandlerContext
    unowned let handler: ProxyHandler
    let peer: String?
    /// The request's path (its target without the query).
    let path: String
    let requestID: String
    /// The trace context sent upstream: the request's trace, from the gateway's span.
    let upstreamTrace: TraceParent
    /// The request's trace id (its W3C trace), on each of its log lines with ``requestID``.
    let traceID: String
    /// The proxy's logger with the request's ids, made only if something beyond the access log
    /// line is logged (which takes the ids as arguments instead: no logger per request).
    lazy var logger: Logger = {
        var logger = proxy.logger
        logger[metadataKey: "request.id"] = .string(requestID)
        logger[metadataKey: "trace.id"] = .string(traceID)
        return logger
    }()
    /// NIO's clock (the monotonic one): `ContinuousClock.now` builds a 128-bit `Duration`.
    let started = NIODeadline.now()

    enum State {
        case admitting
        case connecting(UpstreamLease)
        case awaitingHead(UpstreamLease, UpstreamConnection)
        case relaying(UpstreamLease, UpstreamConnection, keepAlive: Bool)
        case done
    }
    var state = State.admitting
    /// The addresses whose attempts failed: the next attempt skips them. (Added on failure,
    /// not per attempt: a set per request cost a thousand instructions.)
    var failed: Set<UpstreamEndpoint> = []
    var upstreamHeaders = HeaderFieldList()
    /// The caller's standing on a rate-limited route, told on every answer.
    var quota: RateLimitQuota?
    /// Set while the client cannot take more: the next upstream read waits for it.
    var waitingForClient = false
    /// Since when the answer's head has been written but not flushed, waiting for the first
    /// body bytes so that head and body leave in one write (as nginx's `postpone_output` holds
    /// a small head): an upstream may send the two apart (Hummingbird flushes a head alone
    /// when the body is streamed, or wrapped by a middleware), and a write for each costs a
    /// system call and a client wake-up more per request. Flushed with the body, the answer's
    /// end, or by the pool's sweep once held for a sweep interval.
    var headHeldSince: NIODeadline?
    /// How the answer's body is delimited for the client (set with the answer's head).
    var framing = AnswerFraming.raw
    /// Whether only the connection's close can end the answer's body (an HTTP/1.0 client and
    /// no `Content-Length`): the connection closes after it.
    var closesConnection = false
    /// The access log line's status and time to answer, from the answer's head until the line
    /// is written.
    var accessLogLine: (status: Int, elapsed: Duration)?

    /// - Parameters:
    ///   - path: the request's path (``EdgeProxy/entry(for:in:)`` found it).
    ///   - random: the connection's generator, for the request's ids.
    init(
        head: HTTPRequestHead, path: String, entry: RouteTable.Entry, proxy: EdgeProxy, client: ChannelHandlerContext, handler: ProxyHandler,
        peer: String?, random: inout PrefetchedRandom
    ) {
        self.head = head
        self.entry = entry
        self.proxy = proxy
        self.client = client
        self.handler = handler
        self.peer = peer
        self.path = path
        // Request id 2 words, trace and span 3: a system call per 6 requests or so.
        self.requestID = RequestIDMiddleware.acceptable(head.headers.first(.requestID)) ?? RequestIDMiddleware.newID(using: &random)
        // The gateway's span: a child of the caller's, or the root of a new trace (whose parent
        // id is then the gateway's span already; no second id to make).
        let upstreamTrace = head.headers.first(.traceParent).flatMap(TraceParent.init)?.child(using: &random) ?? .newTrace(using: &random)
        self.upstreamTrace = upstreamTrace
        self.traceID = upstreamTrace.traceID
    }

    var route: Route { entry.route }

    /// Gives `connection` the route's timeout from `now` to make its next step: the head after
    /// the request, then each read of the answer and each time the client takes more.
    func renewStallDeadline(of connection: UpstreamConnection, now: NIODeadline = .now()) {
        connection.stallDeadline = now + entry.timeout
    }

    /// Runs the edge checks, then sends the request.
    func start() {
        guard route.auth != nil || (route.rateLimit != nil && proxy.rateLimiter != nil) else {
            admitted(identity: nil, quota: nil)
            return
        }
        let (route, peer, logger) = (route, peer, logger)
        let (authorization, forwardedFor) = (head.headers.first(.authorization), head.headers.values(TrustedProxies.forwardedFor))
        let (authenticator, rateLimiter) = (proxy.edgeAuthenticator, proxy.rateLimiter)
        let admission = client.eventLoop.makePromise(of: Result<Admission, HTTPProblem>.self)
        admission.completeWithTask {
            do throws(HTTPProblem) {
                let identity = try await authenticator.authenticate(authorization: authorization, policy: route.auth)
                let quota = try await rateLimiter?.admit(
                    authorization: authorization, forwardedFor: forwardedFor, peer: peer, logger: logger, route: route, identity: identity
                )
                return .success(Admission(identity: identity, quota: quota))
            } catch {
                return .failure(error)
            }
        }
        admission.futureResult.assumeIsolated().whenComplete { [self] result in
            guard case .admitting = state else { return }  // the client went away meanwhile
            switch result {
            case .success(.success(let admission)): admitted(identity: admission.identity, quota: admission.quota)
            case .success(.failure(let problem)): answer(problem)
            case .failure(let error): answer(HTTPProblem(.internalServerError, detail: "The gateway could not check this request: \(error)."))
            }
        }
    }

    /// What the edge checks found: the caller, and the quota left on a limited route.
    struct Admission: Sendable {
        var identity: Identity?
        var quota: RateLimitQuota?
    }

    private func admitted(identity: Identity?, quota: RateLimitQuota?) {
        self.quota = quota
        var headers = ForwardedHeaders.upstream(from: head.headers, authority: head.headers.first(name: "Host"), clientAddress: peer, requestID: requestID)
        headers.set(.traceParent, to: upstreamTrace.description)
        proxy.edgeAuthenticator.forward(identity, into: &headers)
        if head.headers.first(.contentLength) != nil {
            headers.append(.contentLength, "0")
        }
        upstreamHeaders = headers
        attempt()
    }

    /// Sends the request to the next address the route's group offers.
    private func attempt() {
        let lease: UpstreamLease
        switch entry.group.choose(excluding: failed) {
        case .address(let chosen):
            lease = chosen
        case .unavailable(let reason):
            answer(reason.problem(route: route))
            return
        }
        state = .connecting(lease)
        if let idle = handler.upstreams.take(lease.address) {
            send(on: idle, lease: lease)
            return
        }
        proxy.connections.connect(to: lease.address, in: handler.upstreams) { [self] result in
            guard case .connecting = state else {
                if case .success(let connection) = result { connection.close() }  // the client went away meanwhile
                return
            }
            switch result {
            case .success(let connection): send(on: connection, lease: lease)
            case .failure(let error): attemptFailed(error, lease: lease, connection: nil)
            }
        }
    }

    private func send(on connection: UpstreamConnection, lease: UpstreamLease) {
        var target = entry.upstreamPath(for: path, on: lease.address)
        if let query = EdgeProxy.query(of: head.uri), !query.isEmpty {
            target += "?\(query)"
        }
        // No timer per request: the connection's pool sweeps its loop's deadlines (LoopPool).
        renewStallDeadline(of: connection)
        state = .awaitingHead(lease, connection)
        connection.exchange = self
        // The client's `Host` was not forwarded (hop by hop): the upstream's address is.
        connection.send(method: head.method, target: target, host: lease.address.hostHeader, headers: upstreamHeaders)
    }

    /// The route's timeout passed without progress: before the answer began (a `504`, or the
    /// next address), or in the middle of it (the upstream stopped sending, or the client
    /// stopped reading: the answer is cut off).
    func timedOut() {
        switch state {
        case .awaitingHead(let lease, let connection):
            connection.exchange = nil
            attemptFailed(UpstreamTimedOut(timeout: route.timeout), lease: lease, connection: connection)
        case .relaying:
            cutOff(waitingForClient ? "the client took nothing for \(route.timeout)" : "\(UpstreamStalled(timeout: route.timeout))")
        case .admitting, .connecting, .done:
            break
        }
    }

    /// An attempt failed before the answer began: the next address for an idempotent request
    /// whose connection failed, else a `502`/`504` problem.
    func attemptFailed(_ error: any Error, lease: UpstreamLease, connection: UpstreamConnection?) {
        connection?.close()
        let outcome = UpstreamFailure.outcome(of: error)
        lease.finish(outcome)
        proxy.routes.metrics.upstreamError(lease.address, kind: outcome)
        failed.insert(lease.address)
        let retryable = UpstreamFailure.mayRetry(error, outcome: outcome) && failed.count <= route.retries
            && HTTPRequest.Method(head.method.rawValue)?.isIdempotent == true
        logger.warning(
            "upstream failed",
            metadata: ["route": "\(route.prefix)", "upstream": "\(lease.address)", "error": "\(error)", "retrying": "\(retryable)"]
        )
        if retryable {
            attempt()
        } else {
            answer(UpstreamFailure.problem(for: error, outcome: outcome, route: route))
        }
    }
}
