import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import ServiceKit

/// Relaying the upstream's answer to the client, and the gateway's own answers (problems).
extension ProxyExchange {
    func upstreamHead(_ upstream: UpstreamResponseHead) {
        guard case .awaitingHead(let lease, let connection) = state else { return }
        lease.record(.response(status: Int(upstream.status.code)))
        state = .relaying(lease, connection, keepAlive: upstream.keepAlive)
        var headers = ForwardedHeaders.relayed(upstream.fields, connectionNamesFields: upstream.connectionNamesFields)
        addEdgeHeaders(to: &headers)
        answered(status: Int(upstream.status.code))
        writeHead(status: upstream.status, headers: &headers)
        let now = NIODeadline.now()
        headHeldSince = now
        renewStallDeadline(of: connection, now: now)
    }

    func upstreamBody(_ chunk: ByteBuffer) {
        guard case .relaying = state else { return }
        headHeldSince = nil
        handler.outlet.writeBody(chunk, framing: framing)
    }

    /// The upstream's bytes of this read are written: flush them, and stop reading while the
    /// client cannot keep up. A head that came without body bytes is held for them instead
    /// (``headHeldSince``).
    func upstreamReadComplete() {
        guard case .relaying(_, let connection, _) = state else { return }
        renewStallDeadline(of: connection)
        guard headHeldSince == nil else { return }
        handler.outlet.flush()
        if !waitingForClient, !client.channel.isWritable {
            waitingForClient = true
            connection.pauseReading()
        }
    }

    /// Flushes a head held since before `deadline` (the pool's sweep): an upstream that is
    /// slow to send its body does not keep its client from the head for long.
    func flushHead(heldBefore deadline: NIODeadline) {
        guard let since = headHeldSince, since < deadline, case .relaying = state else { return }
        headHeldSince = nil
        handler.outlet.flush()
    }

    /// The client can take more again.
    func clientWritable() {
        guard waitingForClient, case .relaying(_, let connection, _) = state else { return }
        waitingForClient = false
        renewStallDeadline(of: connection)
        connection.resumeReading()
    }

    func upstreamEnd() {
        guard case .relaying(let lease, let connection, let keepAlive) = state else { return }
        state = .done
        connection.exchange = nil
        connection.stallDeadline = nil
        lease.release()
        if keepAlive {
            proxy.connections.release(connection)
        } else {
            connection.close()
        }
        finishAnswer()
    }

    /// The upstream connection failed: before the answer began, like a failed attempt; in the
    /// middle of it, the answer is cut off.
    func upstreamFailed(_ error: any Error) {
        switch state {
        case .awaitingHead(let lease, let connection):
            connection.stallDeadline = nil
            attemptFailed(error, lease: lease, connection: connection)
        case .relaying:
            cutOff("the upstream failed in the middle of its answer: \(error)")
        case .admitting, .connecting, .done:
            break
        }
    }

    /// Ends an answer that cannot be finished: both connections are closed (a cut answer must
    /// not look whole to the client, nor its rest be read as the next answer upstream).
    func cutOff(_ why: String) {
        guard case .relaying(let lease, let connection, _) = state else { return }
        state = .done
        connection.exchange = nil
        connection.stallDeadline = nil
        connection.close()
        lease.release()
        logger.warning("answer cut off", metadata: ["route": "\(route.prefix)", "upstream": "\(lease.address)", "reason": "\(why)"])
        client.close(promise: nil)
        writeAccessLog()
    }

    /// The client went away: the upstream connection in use is closed (its answer is unwanted).
    func clientClosed() {
        switch state {
        case .awaitingHead(let lease, let connection):
            connection.stallDeadline = nil
            connection.exchange = nil
            connection.close()
            lease.finish(.abandoned)
        case .relaying(let lease, let connection, _):
            connection.exchange = nil
            connection.close()
            lease.release()
            writeAccessLog()
        case .admitting, .connecting, .done:
            break
        }
        state = .done
    }

    /// Answers with `problem` (`application/problem+json`) instead of an upstream's answer.
    func answer(_ problem: HTTPProblem) {
        state = .done
        if problem.status.code >= 500 {
            logger.warning("request failed", metadata: ["status": "\(problem.status.code)", "detail": "\(problem.detail)"])
        }
        let body = HTTPProblem.body(of: problem.problem(instance: path))
        var headers = RelayedHeaderFields()
        headers.append(contentsOf: problem.headers)
        headers.set(.contentType, to: "application/problem+json")
        headers.set(.contentLength, to: String(body.readableBytes))
        addEdgeHeaders(to: &headers)
        answered(status: problem.status.code)
        writeHead(status: HTTPResponseStatus(statusCode: problem.status.code, reasonPhrase: problem.status.reasonPhrase), headers: &headers)
        handler.outlet.writeBody(body, framing: framing)
        finishAnswer()
    }

    /// Writes the answer's head, framed for its client (``AnswerFraming``), without flushing it.
    private func writeHead(status: HTTPResponseStatus, headers: inout RelayedHeaderFields) {
        (framing, closesConnection) = AnswerFraming.decide(status: status, headers: &headers, answering: head)
        handler.writeExchangeHead(status: status, headers: &headers, answering: head, closing: closesConnection)
    }

    /// What every answer carries, whoever made it: the quota on a limited route, CORS for an
    /// allowed origin, the security headers, the request id.
    private func addEdgeHeaders(to headers: inout RelayedHeaderFields) {
        quota?.addHeaders(to: &headers)
        if let origin = head.headers.first(.origin) {
            CORSMiddleware.apply(proxy.routes.table.configuration.cors, origin: origin, to: &headers)
        }
        proxy.securityHeaders.apply(to: &headers, requestHeaders: head.headers, peer: peer)
        headers.append(rawName: "X-Request-Id", requestID)
    }

    /// The answer's status is known: the route's metrics, as the router's middleware record
    /// them when a handler returns, and the access log line's figures (written once the answer
    /// is on its way, ``writeAccessLog()``).
    private func answered(status: Int) {
        let elapsed = Duration.nanoseconds((NIODeadline.now() - started).nanoseconds)
        entry.metrics.record(status: status, duration: elapsed)
        accessLogLine = (status, elapsed)
    }

    /// Writes the access log line of the answer, once: after its last bytes are flushed (as
    /// nginx does), so formatting and writing the line (the largest single cost of a proxied
    /// request) does not delay the answer; or when the answer was cut off.
    private func writeAccessLog() {
        guard let (status, elapsed) = accessLogLine else { return }
        accessLogLine = nil
        proxy.accessLog.write(method: head.method.rawValue, path: path, status: status, elapsed: elapsed, requestID: requestID, traceID: traceID)
    }

    /// Ends the answer (the handler writes its end, and closes the connection after it unless
    /// the client keeps it alive: `Connection: close`, or HTTP/1.0 without `keep-alive`, or a
    /// body only the connection's close can end).
    private func finishAnswer() {
        handler.finishExchange(context: client, end: framing.end, keepAlive: head.isKeepAlive && !closesConnection, whenFlushed: writeAccessLog)
    }
}
