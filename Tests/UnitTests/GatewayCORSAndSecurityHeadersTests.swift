import HTTPTypes
import NIOHTTP1
import ServiceKit
import Testing

@testable import Gateway

/// CORS decisions under a policy and the HTTPS test for `Strict-Transport-Security`.
@Suite("Gateway CORS decisions and security headers")
struct GatewayCORSAndSecurityHeadersTests {
    static let listed = CORSPolicy(allowedOrigins: ["https://shop.example", "http://localhost:5173"], allowCredentials: true, maxAgeSeconds: 600)
    static let anyOrigin = CORSPolicy(allowedOrigins: ["*"], allowCredentials: false, maxAgeSeconds: 60)

    @Test func onlyListedOriginsAreAllowedAndNoneByDefault() {
        #expect(Self.listed.allows(origin: "https://shop.example"))
        #expect(Self.listed.allows(origin: "HTTPS://SHOP.EXAMPLE"))
        #expect(!Self.listed.allows(origin: "https://shop.example.evil.com"))
        #expect(!Self.listed.allows(origin: "http://shop.example"), "the scheme is part of the origin")
        #expect(!Self.listed.allows(origin: "null"))
        #expect(!CORSPolicy.none.allows(origin: "https://shop.example"))
        #expect(Self.anyOrigin.allows(origin: "https://anything.example"))
    }

    @Test func aListedOriginIsEchoedWithCredentialsAndAWildcardIsNot() {
        var listed = HTTPFields()
        Self.listed.addActualHeaders(origin: "https://shop.example", to: &listed)
        #expect(listed[.accessControlAllowOrigin] == "https://shop.example")
        #expect(listed[.accessControlAllowCredentials] == "true")
        #expect(listed[.accessControlExposeHeaders]?.contains("Retry-After") == true)
        var wildcard = HTTPFields()
        Self.anyOrigin.addActualHeaders(origin: "https://anything.example", to: &wildcard)
        #expect(wildcard[.accessControlAllowOrigin] == "*")
        #expect(wildcard[.accessControlAllowCredentials] == nil)
    }

    /// The event-loop path applies the same policy to NIO's headers: an upstream's own CORS
    /// headers replaced, whatever their case, and `Vary` extended.
    @Test func theEventLoopPathsHeadersGetTheSameCORSAnswer() {
        var headers = HTTPHeaders([("access-control-allow-origin", "*"), ("VARY", "Accept-Encoding"), ("Content-Type", "application/json")])
        CORSMiddleware.apply(Self.listed, origin: "https://shop.example", to: &headers)
        #expect(headers["Access-Control-Allow-Origin"] == ["https://shop.example"])
        #expect(headers["Access-Control-Allow-Credentials"] == ["true"])
        #expect(headers["Vary"] == ["Accept-Encoding", "Origin"])
        var refused = HTTPHeaders([("Access-Control-Allow-Origin", "*")])
        CORSMiddleware.apply(Self.listed, origin: "https://evil.example", to: &refused)
        #expect(refused["Access-Control-Allow-Origin"].isEmpty, "a disallowed origin gets no CORS headers, not even the upstream's")
    }

    @Test func aPreflightAnswerSaysMethodsHeadersAndMaxAge() {
        let headers = Self.listed.preflightHeaders(origin: "http://localhost:5173")
        #expect(headers[.accessControlAllowOrigin] == "http://localhost:5173")
        #expect(headers[.accessControlAllowMethods] == CORSPolicy.allowedMethods)
        #expect(headers[.accessControlAllowHeaders]?.contains("Idempotency-Key") == true)
        #expect(headers[.accessControlMaxAge] == "600")
        #expect(headers[.accessControlExposeHeaders] == nil, "exposing is for actual answers")
    }

    @Test func aPreflightIsAnOptionsRequestWithOriginAndRequestMethod() {
        var fields = HTTPFields()
        #expect(!CORSPolicy.isPreflight(method: "OPTIONS", headers: fields))
        fields[.origin] = "https://shop.example"
        #expect(!CORSPolicy.isPreflight(method: "OPTIONS", headers: fields))
        fields[.accessControlRequestMethod] = "POST"
        #expect(CORSPolicy.isPreflight(method: "OPTIONS", headers: fields))
        #expect(!CORSPolicy.isPreflight(method: "GET", headers: fields))
        let headers = HTTPHeaders([("origin", "https://shop.example"), ("ACCESS-CONTROL-REQUEST-METHOD", "POST")])
        #expect(CORSPolicy.isPreflight(method: "OPTIONS", headers: headers))
    }

    @Test func varyOriginIsAddedOnce() {
        var headers: HTTPFields = [.vary: "Accept-Encoding"]
        CORSMiddleware.addVaryOrigin(to: &headers)
        CORSMiddleware.addVaryOrigin(to: &headers)
        #expect(headers[values: .vary] == ["Accept-Encoding", "Origin"])
    }

    @Test func httpsIsBelievedOnlyFromATrustedProxy() throws {
        let proxies = try TrustedProxies(list: "10.0.0.0/8")
        #expect(SecurityHeadersMiddleware.cameOverHTTPS(forwardedProto: ["https"], peer: "10.1.2.3", trusting: proxies))
        #expect(SecurityHeadersMiddleware.cameOverHTTPS(forwardedProto: ["HTTPS, http"], peer: "10.1.2.3", trusting: proxies))
        #expect(!SecurityHeadersMiddleware.cameOverHTTPS(forwardedProto: ["http"], peer: "10.1.2.3", trusting: proxies))
        #expect(!SecurityHeadersMiddleware.cameOverHTTPS(forwardedProto: ["https"], peer: "203.0.113.7", trusting: proxies), "anyone can send the header")
        #expect(!SecurityHeadersMiddleware.cameOverHTTPS(forwardedProto: [], peer: "10.1.2.3", trusting: proxies))
    }

    @Test func anUpstreamsOwnSecurityHeaderIsKept() throws {
        var headers: HTTPFields = [.contentSecurityPolicy: "default-src 'self'"]
        let middleware = SecurityHeadersMiddleware(trustedProxies: try TrustedProxies(list: "10.0.0.0/8"))
        middleware.apply(to: &headers, requestHeaders: HTTPFields(), peer: "10.1.2.3")
        #expect(headers[values: .contentSecurityPolicy] == ["default-src 'self'"])
        #expect(headers[.xContentTypeOptions] == "nosniff")
        #expect(headers[.strictTransportSecurity] == nil, "not over HTTPS")

        var nioHeaders = HTTPHeaders([("content-security-policy", "default-src 'self'")])
        middleware.apply(to: &nioHeaders, requestHeaders: HTTPHeaders([("X-Forwarded-Proto", "https")]), peer: "10.1.2.3")
        #expect(nioHeaders["Content-Security-Policy"] == ["default-src 'self'"])
        #expect(nioHeaders["X-Frame-Options"] == ["DENY"])
        #expect(nioHeaders["Strict-Transport-Security"] == [SecurityHeadersMiddleware.strictTransportSecurity])

        // The event-loop path's list, names in any case: each header the answer has is kept
        // once, the rest added in order.
        var list = HeaderFieldList([("x-frame-options", "SAMEORIGIN"), ("STRICT-TRANSPORT-SECURITY", "max-age=60")])
        middleware.apply(to: &list, requestHeaders: HTTPHeaders([("X-Forwarded-Proto", "https")]), peer: "10.1.2.3")
        #expect(list.fields.map(\.0) == ["x-frame-options", "STRICT-TRANSPORT-SECURITY", "X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy"])
        #expect(list.first(.strictTransportSecurity) == "max-age=60")
        #expect(list.values(HTTPField.Name("X-Frame-Options")!) == ["SAMEORIGIN"])
    }
}
