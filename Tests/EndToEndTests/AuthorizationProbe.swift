import Contracts
import Foundation
import NIOHTTP1
import ServiceKit
import Testing
import TestSupport

/// The credentials an authorization matrix tries on every protected route, and the checks
/// that none of them gets data. A matrix test lists its routes and calls these:
///
/// ```swift
/// let probe = try await AuthorizationProbe(shop: shop)
/// try await probe.expectRefusedWithoutValidToken(.GET, "/cart")
/// try await probe.expectAdminOnly(.GET, "/users", customerToken: customer.token)
/// ```
struct AuthorizationProbe {
    /// One bad credential: its name (for failure messages) and the `Authorization` value.
    struct Credential {
        var name: String
        var authorization: String?
    }

    let shop: Shop
    /// No token, an expired one, one signed with another key (claiming admin), a malformed
    /// one, and another scheme: each must get `401`.
    let invalidCredentials: [Credential]

    /// Makes the bad credentials for a real customer (so only the signature or expiry is wrong).
    init(shop: Shop) async throws {
        self.shop = shop
        let customer = try await shop.newCustomer(name: "Probe Customer")
        let realKey = try await AccessTokens(secret: try TestEnvironment.require("JWT_SECRET"), lifetime: .seconds(60))
        let otherKey = try await AccessTokens(secret: "an-attacker-secret-that-is-long-enough-0123456789", lifetime: .seconds(600))
        let expired = try await realKey.sign(
            userId: customer.user.id, email: customer.user.email, role: .admin, emailVerified: true, now: Date().addingTimeInterval(-3600)
        )
        let forged = try await otherKey.sign(userId: customer.user.id, email: customer.user.email, role: .admin, emailVerified: true)
        invalidCredentials = [
            Credential(name: "no token", authorization: nil),
            Credential(name: "an expired token", authorization: "Bearer \(expired)"),
            Credential(name: "a token signed with another key", authorization: "Bearer \(forged)"),
            Credential(name: "a malformed token", authorization: "Bearer not-a-jwt"),
            Credential(name: "another scheme", authorization: "Basic YWRtaW46YWRtaW4="),
        ]
    }

    /// Every invalid credential gets a `401` problem on `method path`, never data.
    func expectRefusedWithoutValidToken(
        _ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for credential in invalidCredentials {
            let headers = credential.authorization.map { [("Authorization", $0)] } ?? []
            let reply = try await shop.api.send(method, path, json: json, headers: headers)
            #expect(
                reply.status == 401 && reply.contentType.hasPrefix("application/problem+json"),
                "\(method) \(path) with \(credential.name) answered \(reply.status): \(reply.text)",
                sourceLocation: sourceLocation
            )
        }
    }

    /// An admin route: refused without a valid token (`401`) and for a customer (`403`).
    func expectAdminOnly(
        _ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil, customerToken: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await expectRefusedWithoutValidToken(method, path, json: json, sourceLocation: sourceLocation)
        let reply = try await shop.api.send(method, path, json: json, token: customerToken)
        #expect(
            reply.status == 403 && reply.contentType.hasPrefix("application/problem+json"),
            "\(method) \(path) as a customer answered \(reply.status): \(reply.text)",
            sourceLocation: sourceLocation
        )
    }

    /// Another user's resource: `403` or `404` (where existence must not leak), never data.
    func expectOtherUserRefused(
        _ method: HTTPMethod, _ path: String, json: (any Encodable & Sendable)? = nil, token: String, allowed: Set<Int> = [403, 404],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let reply = try await shop.api.send(method, path, json: json, token: token)
        #expect(
            allowed.contains(reply.status) && reply.contentType.hasPrefix("application/problem+json"),
            "\(method) \(path) as another user answered \(reply.status): \(reply.text)",
            sourceLocation: sourceLocation
        )
    }
}
