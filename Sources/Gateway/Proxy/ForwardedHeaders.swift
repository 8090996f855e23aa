import HTTPTypes
import NIOHTTP1
import ServiceKit

/// Which headers cross the gateway, and what it adds. Generic over the header type
/// (``EdgeHeaderFields``): Hummingbird's path reads `HTTPFields`, the event-loop path `HTTPHeaders`.
enum ForwardedHeaders {
    /// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
    static let hopByHop = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "host",
    ]
    /// Request headers the gateway sets itself instead of forwarding the client's.
    private static let setOnRequests = ["x-request-id", "x-forwarded-for", "content-length"]
    /// Response headers the gateway sets itself.
    private static let setOnResponses = ["x-request-id"]

    /// The request headers for the upstream: the client's, minus hop-by-hop ones (and any the
    /// client's `Connection` header names), plus `X-Forwarded-For`, `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` (the request's authority, its `Host`) and the request id.
    /// `Content-Length` is left to whoever sends the body upstream.
    static func upstream(from fields: some EdgeHeaderFields, authority: String?, clientAddress: String?, requestID: String) -> HTTPHeaders {
        let named = connectionTokens(in: fields)
        var headers = HTTPHeaders()
        headers.reserveCapacity(16)
        var hasProto = false
        var hasHost = false
        fields.forEachField { name, value in
            if name.isASCIICaseInsensitive(oneOf: hopByHop) || name.isASCIICaseInsensitive(oneOf: setOnRequests)
                || (!named.isEmpty && name.isASCIICaseInsensitive(oneOf: named))
            {
                return
            }
            hasProto = hasProto || name.isASCIICaseInsensitive(oneOf: ["x-forwarded-proto"])
            hasHost = hasHost || name.isASCIICaseInsensitive(oneOf: ["x-forwarded-host"])
            headers.add(name: name, value: value)
        }
        let priorHops = fields.values(TrustedProxies.forwardedFor).joined(separator: ", ")
        if let clientAddress {
            headers.add(name: "X-Forwarded-For", value: priorHops.isEmpty ? clientAddress : "\(priorHops), \(clientAddress)")
        } else if !priorHops.isEmpty {
            headers.add(name: "X-Forwarded-For", value: priorHops)
        }
        if !hasProto {
            headers.add(name: "X-Forwarded-Proto", value: "http")
        }
        if let authority, !hasHost {
            headers.add(name: "X-Forwarded-Host", value: authority)
        }
        headers.add(name: "X-Request-Id", value: requestID)
        return headers
    }

    /// The upstream's response headers for the client, minus hop-by-hop ones, with room for
    /// the gateway's own. The request id is the gateway's to set.
    static func downstream<Fields: EdgeHeaderFields>(from headers: HTTPHeaders, as: Fields.Type = Fields.self) -> Fields {
        let named = connectionTokens(in: headers)
        var fields = Fields()
        fields.reserveCapacity(headers.count + 8)
        for (name, value) in headers {
            if name.isASCIICaseInsensitive(oneOf: hopByHop) || name.isASCIICaseInsensitive(oneOf: setOnResponses)
                || (!named.isEmpty && name.isASCIICaseInsensitive(oneOf: named))
            {
                continue
            }
            fields.append(rawName: name, value)
        }
        return fields
    }

    /// The lowercased names a message's `Connection` headers list, other than `close` and
    /// `keep-alive` (hop-by-hop anyway): the further fields that end at this hop.
    private static func connectionTokens(in fields: some EdgeHeaderFields) -> [String] {
        var named: [String] = []
        for value in fields.values(.connection) where !value.isASCIICaseInsensitive(oneOf: ["keep-alive", "close"]) {
            named += tokens(of: value).filter { $0 != "close" && $0 != "keep-alive" }
        }
        return named
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

extension String {
    /// Whether the string equals one of `lowercasedNames` ignoring ASCII case, without
    /// lowercasing it (header names are ASCII tokens; this runs for every header of every request).
    func isASCIICaseInsensitive(oneOf lowercasedNames: [String]) -> Bool {
        var name = self
        return name.withUTF8 { bytes in
            lowercasedNames.contains { candidate in
                candidate.utf8.count == bytes.count
                    && zip(bytes, candidate.utf8).allSatisfy { byte, lowercased in
                        byte == lowercased || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == lowercased)
                    }
            }
        }
    }
}
