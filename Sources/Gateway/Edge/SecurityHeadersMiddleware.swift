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

    /// Adds the security headers `headers` lacks, for a request with `requestHeaders` from `peer`.
    func apply(to headers: inout some EdgeHeaderFields, requestHeaders: some EdgeHeaderFields, peer: String?) {
        // Read in place: a copy of each name and value retained their strings, on every answer.
        Self.defaults.withUnsafeBufferPointer { defaults in
            for index in defaults.indices where headers.first(defaults[index].name) == nil {
                headers.append(defaults[index].name, defaults[index].value)
            }
        }
        if headers.first(.strictTransportSecurity) == nil,
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
