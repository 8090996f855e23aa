import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// CORS for browsers on other origins, under the `cors` policy of the `config.json` in force
/// (a reload changes it for the next request).
///
/// A preflight is answered here, before edge auth and rate limits: `204` with what the origin
/// may do, or a `403` problem for an origin not allowed. Other requests go on; an allowed
/// origin's answers (problems included) carry `Access-Control-Allow-Origin` and friends, a
/// disallowed one's none, so the browser keeps them from the page. Upstreams' own
/// `Access-Control-*` headers are replaced: the gateway alone speaks for the API's origins.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = ShopRequestContext

    let routes: LiveRouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        let policy = routes.table.configuration.cors
        let allowed = policy.allows(origin: origin)
        if CORSPolicy.isPreflight(method: request.method.rawValue, headers: request.headers) {
            guard allowed else {
                var refusal = try HTTPProblem.forbidden("Browsers on the origin \(origin) may not call this API.").response(from: request, context: context)
                refusal.headers[.vary] = "Origin"
                return refusal
            }
            var headers = policy.preflightHeaders(origin: origin)
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        Self.apply(policy, origin: origin, to: &response.headers)
        return response
    }

    /// Makes the CORS headers of an answer (not a preflight's) to a request from `origin`
    /// what `policy` says: the upstream's own removed, the policy's added for an allowed
    /// origin, and `Vary: Origin`.
    static func apply(_ policy: CORSPolicy, origin: String, to headers: inout some EdgeHeaderFields) {
        for name in [HTTPField.Name.accessControlAllowOrigin, .accessControlAllowCredentials, .accessControlExposeHeaders] {
            headers.remove(name)
        }
        if policy.allows(origin: origin) {
            policy.addActualHeaders(origin: origin, to: &headers)
        }
        addVaryOrigin(to: &headers)
    }

    /// Adds `Origin` to `Vary` unless it is there (or `Vary: *`).
    static func addVaryOrigin(to headers: inout some EdgeHeaderFields) {
        let present = headers.values(.vary).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !present.contains("origin"), !present.contains("*") else { return }
        headers.append(.vary, "Origin")
    }
}
