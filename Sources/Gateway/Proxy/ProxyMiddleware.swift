import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit

/// Forwards every request whose path matches a route to one of that route's upstreams:
/// method, path (without the prefix with `stripPrefix`), query, headers (minus hop-by-hop
/// ones, plus `X-Forwarded-*`, `X-Request-Id`, `traceparent` and, on `auth` routes, the
/// verified caller) and the body, streamed both ways.
///
/// A path no route matches goes on to the gateway's own routes (`/health`...) and otherwise
/// ends as a `404` problem. Refusals are `application/problem+json`: `401`/`403` at the edge,
/// `429` over the route's rate limit, `413` over its body limit, `503` while the upstream's
/// circuit breaker is open, `502` when no upstream answers, `504` when it answers too late.
struct ProxyMiddleware: RouterMiddleware {
    typealias Context = ShopRequestContext

    let routes: LiveRouteTable
    let http: HTTPClient
    let edgeAuthenticator: EdgeAuthenticator
    /// Routes' `rateLimit` policies; `nil`: none applied (no Redis).
    var rateLimiter: RateLimiter? = nil

    func handle(_ request: Request, context: ShopRequestContext, next: (Request, ShopRequestContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let entry = routes.table.entry(for: path) else {
            return try await next(request, context)
        }
        let started = ContinuousClock.now
        do {
            let response = try await forward(request, context: context, to: entry)
            entry.metrics.record(status: response.status.code, duration: .now - started)
            return response
        } catch {
            let status = (error as? HTTPProblem)?.status.code ?? 500
            entry.metrics.record(status: status, duration: .now - started)
            throw error
        }
    }

    private func forward(_ request: Request, context: ShopRequestContext, to entry: RouteTable.Entry) async throws -> Response {
        let route = entry.route
        let identity = try await edgeAuthenticator.authenticate(request, policy: route.auth)
        let quota = try await rateLimiter?.admit(request, context: context, route: route, identity: identity)
        do {
            var response = try await send(request, context: context, to: entry, identity: identity)
            quota?.addHeaders(to: &response.headers)
            return response
        } catch var problem as HTTPProblem {
            quota?.addHeaders(to: &problem.headers)
            throw problem
        }
    }

    /// Sends an admitted request to one of the route's upstreams (another one when an
    /// idempotent request's connection is refused) and streams the answer back.
    private func send(_ request: Request, context: ShopRequestContext, to entry: RouteTable.Entry, identity: Identity?) async throws -> Response {
        let route = entry.route
        let contentLength = try Self.contentLength(of: request, limit: route.maxBodyBytes)

        var headers = ForwardedHeaders.upstream(
            from: request.headers,
            authority: request.head.authority,
            clientAddress: context.remoteAddress,
            requestID: context.requestID
        )
        headers.set(.traceParent, to: context.traceParent.child().description)
        edgeAuthenticator.forward(identity, into: &headers)

        let relay: RequestBodyRelay? = Self.hasBody(request, contentLength: contentLength)
            ? RequestBodyRelay(body: request.body, limit: route.maxBodyBytes) : nil
        let upstreamPath = route.upstreamPath(for: request.uri.path)
        var tried: Set<UpstreamEndpoint> = []
        while true {
            let lease: UpstreamLease
            switch entry.group.choose(excluding: tried) {
            case .address(let chosen):
                lease = chosen
            case .unavailable(let reason):
                await relay?.close()
                throw reason.problem(route: route)
            }
            tried.insert(lease.address)

            var upstreamRequest = HTTPClientRequest(url: lease.address.url(path: upstreamPath, query: request.uri.query))
            upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
            upstreamRequest.headers = headers.httpHeaders
            upstreamRequest.headers.replaceOrAdd(name: "Host", value: lease.address.hostHeader)
            if let relay {
                upstreamRequest.body = .stream(relay, length: contentLength.map { .known(Int64($0)) } ?? .unknown)
            }
            do {
                let response = try await http.execute(upstreamRequest, deadline: .now() + TimeAmount(route.timeout))
                lease.record(.response(status: Int(response.status.code)))
                return Self.clientResponse(from: response, closing: relay, releasing: lease, route: route, logger: context.logger)
            } catch {
                let outcome = UpstreamFailure.outcome(of: error)
                lease.finish(outcome)
                routes.metrics.upstreamError(lease.address, kind: outcome)
                let retryable = UpstreamFailure.mayRetry(error, outcome: outcome) && request.method.isIdempotent && tried.count <= route.retries
                context.logger.warning(
                    "upstream failed",
                    metadata: ["route": "\(route.prefix)", "upstream": "\(lease.address)", "error": "\(error)", "retrying": "\(retryable)"]
                )
                if retryable { continue }
                await relay?.close()
                throw UpstreamFailure.problem(for: error, outcome: outcome, route: route)
            }
        }
    }

    /// The upstream's answer for the client: its status, its headers minus hop-by-hop ones,
    /// and its body streamed through (cut off if the upstream pauses for the route's timeout);
    /// the relay closes and the lease ends once the body is done.
    private static func clientResponse(
        from response: HTTPClientResponse, closing relay: RequestBodyRelay?, releasing lease: UpstreamLease, route: Route, logger: Logger
    ) -> Response {
        let body = ResponseBody { writer in
            defer { lease.release() }
            do {
                try await ResponseBodyRelay.relay(response.body, to: &writer, stallTimeout: route.timeout)
            } catch {
                if let stalled = error as? UpstreamStalled {
                    logger.warning("answer cut off", metadata: ["route": "\(route.prefix)", "upstream": "\(lease.address)", "reason": "\(stalled)"])
                }
                await relay?.close()
                throw error
            }
            await relay?.close()
            try await writer.finish(nil)
        }
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: ForwardedHeaders.downstream(from: response.headers),
            body: body
        )
    }

    /// The declared body length, refused with `413` above `limit` before anything is sent.
    static func contentLength(of request: Request, limit: Int) throws(HTTPProblem) -> Int? {
        guard let text = request.headers[.contentLength] else { return nil }
        guard let length = Int(text), length >= 0 else {
            throw HTTPProblem.badRequest("Content-Length must be a non-negative integer.")
        }
        guard length <= limit else {
            throw HTTPProblem(.contentTooLarge, detail: "The request body is larger than \(limit) bytes.")
        }
        return length
    }

    /// Whether the request has a body to stream: a positive length, or chunked.
    static func hasBody(_ request: Request, contentLength: Int?) -> Bool {
        if let contentLength { return contentLength > 0 }
        return request.headers[.transferEncoding] != nil
    }
}

extension HTTPRequest.Method {
    /// Safe to send again (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch self {
        case .get, .head, .options, .put, .delete, .trace: true
        default: false
        }
    }
}
