import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// Security headers on every answer of the gateway (proxied, its own and problems) for an
/// API that serves JSON and never pages: no MIME sniffing, no framing, no referrer, a content
/// security policy that allows nothing, and `Strict-Transport-Security` when the request came
/// over HTTPS (`X-Forwarded-Proto: https` from a trusted proxy: the gateway itself speaks
/// plain HTTP behind a TLS terminator).
///
/// A header the upstream set is kept: a service that serves something else (a page, a
/// download) knows better what it needs; the gateway supplies the safe default when it is missing.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ShopRequestContext

    /// Who may say the request came over HTTPS.
    let trustedProxies: TrustedProxies

    static let defaults: [(name: HTTPField.Name, value: String)] = [
        (.xContentTypeOptions, "nosniff"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'"),
    ]
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// One year, subdomains included (sent only over HTTPS).
    static let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        apply(to: &response.headers, requestHeaders: request.headers, peer: context.remoteAddress)
        return response
    }

    /// The names of ``defaults`` and `Strict-Transport-Security`, in that order.
    private static let names = HeaderNameSet(defaults.map(\.name.canonicalName) + [HTTPField.Name.strictTransportSecurity.canonicalName])

    /// Adds the security headers `headers` lacks, for a request with `requestHeaders` from `peer`.
    func apply(to headers: inout some EdgeHeaderFields, requestHeaders: some EdgeHeaderFields, peer: String?) {
        // Which of them the answer has, in one pass over its fields: a search per name (and a
        // copy of each name's strings) cost five times as much, on every answer.
        var present: UInt32 = 0
        headers.forEachName { name in
            if let index = Self.names.firstIndex(of: name) { present |= 1 << index }
        }
        Self.defaults.withUnsafeBufferPointer { defaults in
            // In place, and by the name's literal: a copy of each `HTTPField.Name` retained its
            // strings (its lowercased form made at start-up), on every answer.
            for index in defaults.indices where present & (1 << index) == 0 {
                headers.append(rawName: defaults[index].name.rawName, defaults[index].value)
            }
        }
        if present & (1 << Self.defaults.count) == 0,
            Self.cameOverHTTPS(forwardedProto: requestHeaders.values(Self.forwardedProto), peer: peer, trusting: trustedProxies)
        {
            headers.append(.strictTransportSecurity, Self.strictTransportSecurity)
        }
    }

    /// Whether the client reached the TLS terminator in front of the gateway over HTTPS: the
    /// first `X-Forwarded-Proto` value (the client's hop) says `https` and the peer is trusted.
    static func cameOverHTTPS(forwardedProto: [String], peer: String?, trusting proxies: TrustedProxies) -> Bool {
        // The header first: most requests have none, and the peer check parses an address.
        guard let first = forwardedProto.first?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces),
            let peer, proxies.contains(peer)
        else { return false }
        return first.lowercased() == "https"
    }
}
