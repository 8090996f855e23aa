import Contracts
import Foundation
import Testing
import TestSupport

/// Login sessions: tokens, refresh rotation and reuse detection, logout, throttling.
@Suite("Accounts: sessions")
struct AccountsSessionTests {
    /// A client address of the documentation range, unique to one test: failed logins are
    /// counted per address, and the test client's own address is shared by every test.
    static func clientAddress() -> [(String, String)] {
        let group = { String(UInt16.random(in: 1...UInt16.max), radix: 16) }
        return [("X-Forwarded-For", "198.51.100.7, 2001:db8::\(group()):\(group()):\(group())")]
    }

    @Test("login → access token with sid and email_verified, a refresh token; /auth/me; wrong password is 401")
    func login() async throws {
        let shop = try Shop()
        let customer = try await shop.newCustomer(name: "Session Owner")
        let claims = try CaughtEmail.claims(ofJWT: customer.token)
        #expect(claims["email_verified"] as? Bool == true)
        #expect((claims["sid"] as? String)?.isEmpty == false)
        #expect(claims["sub"] as? String == customer.user.id.uuidString.lowercased())
        #expect(customer.refreshToken.count > 32)

        let me = try await shop.api.send(.GET, "/auth/me", token: customer.token)
        #expect(me.status == 200, "\(me.text)")
        #expect(try me.decode(UserDTO.self) == customer.user)

        let headers = Self.clientAddress()
        expectProblem(
            try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: customer.email, password: "wrong password"), headers: headers),
            401)
        expectProblem(
            try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: "nobody@example.com", password: "x"), headers: headers), 401)
        let empty = try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: "", password: ""), headers: headers)
        expectProblem(empty, 400, field: "email")
        expectProblem(empty, 400, field: "password")
    }

    @Test("refresh rotates: the new token works, the old stops; reusing the old one ends the whole session")
    func refreshRotationAndReuse() async throws {
        let shop = try Shop()
        let customer = try await shop.newCustomer()
        let first = try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: customer.refreshToken))
        #expect(first.status == 200, "\(first.text)")
        let rotated = try first.decode(TokenResponse.self)
        #expect(rotated.refreshToken != customer.refreshToken)
        let sid = try CaughtEmail.claims(ofJWT: customer.token)["sid"] as? String
        #expect(try CaughtEmail.claims(ofJWT: rotated.accessToken)["sid"] as? String == sid, "same session")

        let second = try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: rotated.refreshToken))
        #expect(second.status == 200, "\(second.text)")
        let latest = try second.decode(TokenResponse.self)

        // The first token again: reuse. The session ends: its newest refresh token and its access tokens too.
        expectProblem(
            try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: customer.refreshToken)), 401,
            mentioning: "already used")
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: latest.refreshToken)), 401)
        expectProblem(try await shop.api.send(.GET, "/auth/me", token: latest.accessToken), 401, mentioning: "session has ended")

        // Another session of the same user is untouched.
        let other = try await shop.session(email: customer.email, password: customer.password)
        #expect(try await shop.api.send(.GET, "/auth/me", token: other.token).status == 200)

        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: "garbage")), 401)
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: "")), 400, field: "refreshToken")
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", rawBody: "{}"), 400, mentioning: "refreshToken")
    }

    @Test("logout ends the session: its refresh token and access tokens stop working at the accounts service")
    func logout() async throws {
        let shop = try Shop()
        let customer = try await shop.newCustomer()
        let reply = try await shop.api.send(.POST, "/auth/logout", token: customer.token)
        #expect(reply.status == 204, "\(reply.text)")
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: customer.refreshToken)), 401)
        expectProblem(try await shop.api.send(.GET, "/auth/me", token: customer.token), 401)
        expectProblem(try await shop.api.send(.POST, "/auth/logout"), 401)
    }

    @Test("failed logins are throttled per account: 429 with Retry-After, the right password too")
    func throttlePerAccount() async throws {
        let shop = try Shop()
        let customer = try await shop.newCustomer()
        for attempt in 1...5 {
            let reply = try await shop.api.send(
                .POST, "/auth/login", json: LoginRequest(email: customer.email, password: "wrong \(attempt)"), headers: Self.clientAddress())
            expectProblem(reply, 401)
        }
        let throttled = try await shop.api.send(
            .POST, "/auth/login", json: LoginRequest(email: customer.email, password: customer.password), headers: Self.clientAddress())
        expectProblem(throttled, 429, mentioning: "too many")
        #expect(Int(throttled.headers.first(name: "retry-after") ?? "") ?? 0 >= 1, "Retry-After: \(throttled.headers)")
        // Other accounts are not affected.
        let other = try await shop.newCustomer()
        #expect(other.token.isEmpty == false)
    }

    @Test("failed logins are throttled per client address (X-Forwarded-For from the trusted gateway)")
    func throttlePerAddress() async throws {
        let shop = try Shop()
        let customer = try await shop.newCustomer()
        let address = Self.clientAddress()
        for _ in 1...20 {
            let reply = try await shop.api.send(
                .POST, "/auth/login", json: LoginRequest(email: "\(TestEnvironment.unique("guess"))@example.com", password: "guess"),
                headers: address)
            expectProblem(reply, 401)
        }
        let throttled = try await shop.api.send(
            .POST, "/auth/login", json: LoginRequest(email: customer.email, password: customer.password), headers: address)
        expectProblem(throttled, 429)
        #expect(Int(throttled.headers.first(name: "retry-after") ?? "") ?? 0 >= 1)
        let elsewhere = try await shop.api.send(
            .POST, "/auth/login", json: LoginRequest(email: customer.email, password: customer.password), headers: Self.clientAddress())
        #expect(elsewhere.status == 200, "from another address: \(elsewhere.status) \(elsewhere.text)")
    }
}
