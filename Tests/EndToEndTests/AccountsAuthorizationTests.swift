import Contracts
import Foundation
import Testing
import TestSupport

/// The authorization matrix of `/auth`, `/users` and `/emails`: no token, an expired one, one
/// signed with another key, a customer on admin routes, user A on user B → 401/403/404, never data.
@Suite("Accounts and emails: authorization matrix")
struct AccountsAuthorizationTests {
    @Test("every protected route of accounts and emails refuses bad credentials, customers on admin routes, and other users")
    func matrix() async throws {
        let shop = try Shop()
        let probe = try await AuthorizationProbe(shop: shop)
        let alice = try await shop.newCustomer(name: "Alice")
        let bob = try await shop.newCustomer(name: "Bob")

        try await probe.expectRefusedWithoutValidToken(.GET, "/auth/me")
        try await probe.expectRefusedWithoutValidToken(.POST, "/auth/logout")
        try await probe.expectRefusedWithoutValidToken(.GET, "/users/\(bob.user.id)")
        try await probe.expectRefusedWithoutValidToken(.PATCH, "/users/\(bob.user.id)", json: UpdateUserRequest(name: "X"))

        try await probe.expectAdminOnly(.GET, "/users", customerToken: alice.token)
        try await probe.expectAdminOnly(.DELETE, "/users/\(bob.user.id)", customerToken: alice.token)
        try await probe.expectAdminOnly(.GET, "/emails", customerToken: alice.token)
        try await probe.expectAdminOnly(.GET, "/emails/\(UUID())", customerToken: alice.token)
        try await probe.expectAdminOnly(
            .POST, "/emails/send",
            json: SendEmailRequest(to: alice.email, template: "notice", variables: ["subject": .string("Hi"), "body": .string("Hello")]),
            customerToken: alice.token)

        try await probe.expectOtherUserRefused(.GET, "/users/\(bob.user.id)", token: alice.token, allowed: [404])
        try await probe.expectOtherUserRefused(
            .PATCH, "/users/\(bob.user.id)", json: UpdateUserRequest(name: "Mallory"), token: alice.token, allowed: [404])
        try await probe.expectOtherUserRefused(
            .PATCH, "/users/\(bob.user.id)", json: UpdateUserRequest(password: "taken over!", currentPassword: "x"), token: alice.token,
            allowed: [404])

        // Bob is untouched.
        let admin = try await shop.adminToken()
        let bobNow = try await shop.api.send(.GET, "/users/\(bob.user.id)", token: admin).decode(UserDTO.self)
        #expect(bobNow.name == "Bob")
        _ = try await shop.session(email: bob.email, password: bob.password)
    }
}
