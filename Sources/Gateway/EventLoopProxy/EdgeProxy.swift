import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit

/// What the event-loop proxy path shares across connections: the live routes, the upstream
/// connection pools and the edge policies (auth, rate limits, CORS, security headers).
///
/// The path takes every proxied request without a body (the bulk of an API's traffic:
/// reads, and deletes) and relays it on the client's event loop to a pooled upstream
/// connection of that loop, as nginx does: no task, no thread hand-off. The rest goes to
/// Hummingbird and ``ProxyMiddleware``: requests with a body (streamed through
/// ``RequestBodyRelay``), CORS preflights, upgrades, `https` upstreams and the gateway's own
/// routes. Both paths answer alike: same headers, problems, metrics and access log.
///
/// A class, shared: each connection and each exchange holds one reference to it, not a copy
/// of its parts (a copy per request retained and released each of them, from every event
/// loop at once).
final class EdgeProxy: Sendable {
    let routes: LiveRouteTable
    let connections: UpstreamConnectionPool
    let edgeAuthenticator: EdgeAuthenticator
    let rateLimiter: RateLimiter?
    let securityHeaders: SecurityHeadersMiddleware
    /// The logger requests' lines start from (each adds its request and trace ids).
    let logger: Logger
    /// The access log, written with ``logger``.
    let accessLog: AccessLog.Writer

    init(
        routes: LiveRouteTable, connections: UpstreamConnectionPool, edgeAuthenticator: EdgeAuthenticator, rateLimiter: RateLimiter?,
        securityHeaders: SecurityHeadersMiddleware, logger: Logger
    ) {
        self.routes = routes
        self.connections = connections
        self.edgeAuthenticator = edgeAuthenticator
        self.rateLimiter = rateLimiter
        self.securityHeaders = securityHeaders
        self.logger = logger
        accessLog = AccessLog.Writer(logger: logger)
    }

    /// The route entry in `table` of a request this path takes, and the request's path (its
    /// target without the query); `nil`: Hummingbird's path. Only targets in origin form
    /// (`/path?query`) qualify; the rest (absolute form, `*`) are the router's.
    func entry(for head: HTTPRequestHead, in table: RouteTable) -> (entry: RouteTable.Entry, path: String)? {
        guard head.uri.utf8.first == UInt8(ascii: "/"), Self.isBodiless(head.headers), head.headers.first(.upgrade) == nil,
            head.method != .CONNECT, !CORSPolicy.isPreflight(method: head.method.rawValue, headers: head.headers)
        else { return nil }
        let path = String(Self.path(of: head.uri))
        guard let entry = table.entry(for: path), entry.upstreamsArePlainHTTP else { return nil }
        return (entry, path)
    }

    /// Whether the request has no body: no `Transfer-Encoding`, and no `Content-Length` or `0`.
    static func isBodiless(_ headers: some EdgeHeaderFields) -> Bool {
        guard headers.first(.transferEncoding) == nil else { return false }
        guard let length = headers.first(.contentLength) else { return true }
        return length == "0"
    }

    /// The path of a request target, without its query.
    static func path(of target: String) -> Substring {
        queryMark(in: target).map { target[..<$0] } ?? target[...]
    }

    /// The query of a request target, if it has one.
    static func query(of target: String) -> Substring? {
        queryMark(in: target).map { target[target.utf8.index(after: $0)...] }
    }

    /// Where `?` is in a target: searched in its bytes (a target is ASCII), not through the
    /// string's views, a tenth of the instructions.
    private static func queryMark(in target: String) -> String.Index? {
        let offset = target.withUTF8Bytes { $0.firstIndex(of: UInt8(ascii: "?")) }
        return offset.map { target.utf8.index(target.utf8.startIndex, offsetBy: $0) }
    }
}
