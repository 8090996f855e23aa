import HTTPTypes
import NIOHTTP1
import ServiceKit

/// Which headers cross the gateway, and what it adds. Generic over the header type
/// (``EdgeHeaderFields``): Hummingbird's path reads `HTTPFields`, the event-loop path `HTTPHeaders`.
enum ForwardedHeaders {
    /// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
    static let hopByHopNames = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "host",
    ]
    /// Request headers not forwarded: hop-by-hop ones, and those the gateway sets itself (the
    /// caller's identity among them: a client can never send it, ``EdgeAuthenticator``).
    private static let droppedFromRequests = HeaderNameSet(
        hopByHopNames + ["x-request-id", "x-forwarded-for", "content-length"]
            + [EdgeAuthenticator.userIDHeader.canonicalName, EdgeAuthenticator.roleHeader.canonicalName]
    )
    /// Response headers not relayed: hop-by-hop ones, and the request id (the gateway's to set).
    private static let droppedFromResponses = HeaderNameSet(hopByHopNames + ["x-request-id"])
    private static let forwardedProto = HeaderNameSet(["x-forwarded-proto"])
    private static let forwardedHost = HeaderNameSet(["x-forwarded-host"])
    /// `Connection` values that name no further field (compared like names: ASCII, any case).
    private static let closeOrKeepAlive = HeaderNameSet(["close", "keep-alive"])

    /// The request headers for the upstream: the client's, minus hop-by-hop ones (and any the
    /// client's `Connection` header names) and the caller's identity (`X-Authenticated-*`,
    /// the gateway's to set), plus `X-Forwarded-For`, `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` (the request's authority, its `Host`) and the request id.
    /// `Content-Length` is left to whoever sends the body upstream.
    static func upstream(from fields: some EdgeHeaderFields, authority: String?, clientAddress: String?, requestID: String) -> HeaderFieldList {
        let named = connectionTokens(in: fields)
        var headers = HeaderFieldList()
        headers.reserveCapacity(16)
        var hasProto = false
        var hasHost = false
        fields.forEachField { name, value in
            if droppedFromRequests.contains(name) || named?.contains(name) == true {
                return
            }
            hasProto = hasProto || forwardedProto.contains(name)
            hasHost = hasHost || forwardedHost.contains(name)
            headers.append(rawName: name, value)
        }
        let priorHops = fields.values(TrustedProxies.forwardedFor).joined(separator: ", ")
        if let clientAddress {
            headers.append(rawName: "X-Forwarded-For", priorHops.isEmpty ? clientAddress : "\(priorHops), \(clientAddress)")
        } else if !priorHops.isEmpty {
            headers.append(rawName: "X-Forwarded-For", priorHops)
        }
        if !hasProto {
            headers.append(rawName: "X-Forwarded-Proto", "http")
        }
        if let authority, !hasHost {
            headers.append(rawName: "X-Forwarded-Host", authority)
        }
        headers.append(rawName: "X-Request-Id", requestID)
        return headers
    }

    /// The upstream's response headers for the client, minus hop-by-hop ones, with room for
    /// the gateway's own. The request id is the gateway's to set. `connectionNamesFields`:
    /// `false` when the head's parser found that its `Connection` fields name no other field,
    /// so they are not read again.
    static func downstream<Fields: EdgeHeaderFields>(
        from headers: some EdgeHeaderFields, as: Fields.Type = Fields.self, connectionNamesFields: Bool = true
    ) -> Fields {
        let named = connectionNamesFields ? connectionTokens(in: headers) : nil
        var fields = Fields()
        fields.reserveCapacity(16)
        headers.forEachField { name, value in
            if !droppedFromResponses.contains(name) && named?.contains(name) != true {
                fields.append(rawName: name, value)
            }
        }
        return fields
    }

    /// ``downstream(from:as:connectionNamesFields:)`` for an answer the event-loop path read:
    /// the fields not relayed are skipped in place, the rest stay the bytes received.
    static func relayed(_ fields: RelayedHeaderFields, connectionNamesFields: Bool) -> RelayedHeaderFields {
        let named = connectionNamesFields ? connectionTokens(in: fields) : nil
        var relayed = fields
        relayed.reserveCapacity(8)  // the gateway's own: security headers, the request id...
        relayed.removeReceived { name in
            droppedFromResponses.firstIndex(of: name) != nil || named?.firstIndex(of: name) != nil
        }
        return relayed
    }

    /// The further fields a message's `Connection` headers list, other than `close` and
    /// `keep-alive` (hop-by-hop anyway), which end at this hop; `nil` when there are none
    /// (the usual case).
    private static func connectionTokens(in fields: some EdgeHeaderFields) -> HeaderNameSet? {
        var named: [String] = []
        for value in fields.values(.connection) where !closeOrKeepAlive.contains(value) {  // the usual value, not split
            named += tokens(of: value).filter { $0 != "close" && $0 != "keep-alive" }
        }
        return named.isEmpty ? nil : HeaderNameSet(named)
    }

    /// The lowercased, trimmed names in a `Connection` header value (`keep-alive, X-Hop`).
    static func tokens(of value: String) -> [String] {
        value.split(separator: ",").compactMap { token in
            var name = token
            while let first = name.first, first == " " || first == "\t" { name.removeFirst() }
            while let last = name.last, last == " " || last == "\t" { name.removeLast() }
            return name.isEmpty ? nil : name.lowercased()
        }
    }
}
