import HTTPTypes
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
        let listed = Self.listed.actualHeaders(origin: "https://shop.example")
        #expect(listed[.accessControlAllowOrigin] == "https://shop.example")
        #expect(listed[.accessControlAllowCredentials] == "true")
        #expect(listed[.accessControlExposeHeaders]?.contains("Retry-After") == true)
        let wildcard = Self.anyOrigin.actualHeaders(origin: "https://anything.example")
        #expect(wildcard[.accessControlAllowOrigin] == "*")
        #expect(wildcard[.accessControlAllowCredentials] == nil)
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
        var request = HTTPRequest(method: .options, scheme: "http", authority: "gw", path: "/orders")
        #expect(!CORSPolicy.isPreflight(request))
        request.headerFields[.origin] = "https://shop.example"
        #expect(!CORSPolicy.isPreflight(request))
        request.headerFields[.accessControlRequestMethod] = "POST"
        #expect(CORSPolicy.isPreflight(request))
        request.method = .get
        #expect(!CORSPolicy.isPreflight(request))
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

    @Test func anUpstreamsOwnSecurityHeaderIsKept() {
        var headers: HTTPFields = [.contentSecurityPolicy: "default-src 'self'"]
        SecurityHeadersMiddleware.add(SecurityHeadersMiddleware.defaults, to: &headers)
        #expect(headers[values: .contentSecurityPolicy] == ["default-src 'self'"])
        #expect(headers[.xContentTypeOptions] == "nosniff")
    }
}
