import HTTPTypes
import NIOHTTP1

/// Which headers cross the gateway, and what it adds.
enum ForwardedHeaders {
    /// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "host",
    ]

    /// The request headers for the upstream: the client's, minus hop-by-hop ones (and any the
    /// client's `Connection` header names), plus `X-Forwarded-For`, `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` (the request's authority, its `Host`) and the request id.
    /// `Content-Length` is left to the upstream client, which sets it from the body it streams.
    static func upstream(from fields: HTTPFields, authority: String?, clientAddress: String?, requestID: String) -> HTTPHeaders {
        let named = connectionNamed(fields)
        var headers = HTTPHeaders()
        for field in fields {
            let name = field.name.canonicalName
            if hopByHop.contains(name) || named.contains(name) || name == "x-request-id" || name == "x-forwarded-for" || name == "content-length" {
                continue
            }
            headers.add(name: field.name.rawName, value: field.value)
        }
        let priorHops = fields[values: HTTPField.Name("X-Forwarded-For")!].joined(separator: ", ")
        if let clientAddress {
            headers.add(name: "X-Forwarded-For", value: priorHops.isEmpty ? clientAddress : "\(priorHops), \(clientAddress)")
        } else if !priorHops.isEmpty {
            headers.add(name: "X-Forwarded-For", value: priorHops)
        }
        if !headers.contains(name: "X-Forwarded-Proto") {
            headers.add(name: "X-Forwarded-Proto", value: "http")
        }
        if let authority, !headers.contains(name: "X-Forwarded-Host") {
            headers.add(name: "X-Forwarded-Host", value: authority)
        }
        headers.add(name: "X-Request-Id", value: requestID)
        return headers
    }

    /// The upstream's response headers for the client, minus hop-by-hop ones. The request id
    /// is set by the gateway's own middleware.
    static func downstream(from headers: HTTPHeaders) -> HTTPFields {
        var named = Set<String>()
        for value in headers["connection"] {
            named.formUnion(tokens(of: value))
        }
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 8)  // room for the gateway's own
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            let canonical = fieldName.canonicalName  // lowercased once, by the name itself
            guard !hopByHop.contains(canonical), !named.contains(canonical), canonical != "x-request-id" else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    private static func connectionNamed(_ fields: HTTPFields) -> Set<String> {
        var named = Set<String>()
        for value in fields[values: .connection] {
            named.formUnion(tokens(of: value))
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
