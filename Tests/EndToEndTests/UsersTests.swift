import Contracts
import Foundation
import Testing
import TestSupport

/// `/users`: profiles, admin management, deletion.
@Suite("Accounts: users")
struct UsersTests {
    @Test("GET /users (admin): paginated, filtered by email and role; bad parameters named")
    func listUsers() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let customer = try await shop.newCustomer(name: "Listed Customer")
        let byEmail = try await shop.api.send(.GET, "/users?email=\(customer.email.uppercased())", token: admin)
        #expect(byEmail.status == 200, "\(byEmail.text)")
        let page = try byEmail.decode(Page<UserDTO>.self)
        #expect(page.total == 1 && page.items.map(\.id) == [customer.user.id])

        let admins = try await shop.api.send(.GET, "/users?role=admin&limit=100", token: admin).decode(Page<UserDTO>.self)
        #expect(admins.items.allSatisfy { $0.role == .admin } && admins.items.contains { $0.email == (try? TestEnvironment.require("ADMIN_EMAIL")) })
        let paged = try await shop.api.send(.GET, "/users?page=1&limit=1", token: admin).decode(Page<UserDTO>.self)
        #expect(paged.items.count == 1 && paged.limit == 1 && paged.total >= 2)
        #expect(!(try await shop.api.send(.GET, "/users", token: admin)).text.contains("password"))

        let bad = try await shop.api.send(.GET, "/users?page=0&limit=500&role=root", token: admin)
        expectProblem(bad, 400, field: "page")
        expectProblem(bad, 400, field: "limit")
        expectProblem(bad, 400, field: "role")
    }

    @Test("GET /users/:id: oneself or an admin; another user's profile is 404")
    func showUser() async throws {
        let shop = try Shop()
        let alice = try await shop.newCustomer(name: "Alice")
        let bob = try await shop.newCustomer(name: "Bob")
        let own = try await shop.api.send(.GET, "/users/\(alice.user.id)", token: alice.token)
        #expect(own.status == 200 && (try? own.decode(UserDTO.self)) == alice.user, "\(own.text)")
        expectProblem(try await shop.api.send(.GET, "/users/\(bob.user.id)", token: alice.token), 404)
        expectProblem(try await shop.api.send(.GET, "/users/\(UUID())", token: alice.token), 404)
        expectProblem(try await shop.api.send(.GET, "/users/not-a-uuid", token: alice.token), 404)
        let byAdmin = try await shop.api.send(.GET, "/users/\(bob.user.id)", token: try await shop.adminToken())
        #expect(byAdmin.status == 200 && (try? byAdmin.decode(UserDTO.self))?.email == bob.email)
    }

    @Test("PATCH /users/:id: name; own password needs the current one and ends the other sessions; roles only by an admin")
    func updateUser() async throws {
        let shop = try Shop()
        let alice = try await shop.newCustomer(name: "Alice")
        let bob = try await shop.newCustomer(name: "Bob")
        let renamed = try await shop.api.send(.PATCH, "/users/\(alice.user.id)", json: UpdateUserRequest(name: "Alice B."), token: alice.token)
        #expect(renamed.status == 200 && (try? renamed.decode(UserDTO.self))?.name == "Alice B.", "\(renamed.text)")

        expectProblem(try await shop.api.send(.PATCH, "/users/\(bob.user.id)", json: UpdateUserRequest(name: "Hacked"), token: alice.token), 404)
        expectProblem(try await shop.api.send(.PATCH, "/users/\(alice.user.id)", json: UpdateUserRequest(role: .admin), token: alice.token), 403)
        expectProblem(try await shop.api.send(.PATCH, "/users/\(alice.user.id)", rawBody: "{}", token: alice.token), 400, mentioning: "at least one")
        expectProblem(try await shop.api.send(.PATCH, "/users/\(alice.user.id)", rawBody: #"{"email":"x@example.com"}"#, token: alice.token), 400, mentioning: "email")
        let invalid = try await shop.api.send(
            .PATCH, "/users/\(alice.user.id)", json: UpdateUserRequest(name: "", password: "short"), token: alice.token)
        expectProblem(invalid, 400, field: "name")
        expectProblem(invalid, 400, field: "password")
        expectProblem(invalid, 400, field: "currentPassword")
        expectProblem(
            try await shop.api.send(
                .PATCH, "/users/\(alice.user.id)", json: UpdateUserRequest(password: "a new password", currentPassword: "not it"), token: alice.token),
            400, field: "currentPassword")

        // A second session, then a password change from the first: the second ends, the first goes on.
        let otherSession = try await shop.session(email: alice.email, password: alice.password)
        let changed = try await shop.api.send(
            .PATCH, "/users/\(alice.user.id)", json: UpdateUserRequest(password: "a new password", currentPassword: alice.password),
            token: alice.token)
        #expect(changed.status == 200, "\(changed.text)")
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: otherSession.refreshToken)), 401)
        #expect(try await shop.api.send(.GET, "/auth/me", token: alice.token).status == 200)
        expectProblem(try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: alice.email, password: alice.password)), 401)
        _ = try await shop.session(email: alice.email, password: "a new password")

        // An admin promotes Bob: his next refresh carries the new role.
        let admin = try await shop.adminToken()
        let promoted = try await shop.api.send(.PATCH, "/users/\(bob.user.id)", json: UpdateUserRequest(role: .admin), token: admin)
        #expect(promoted.status == 200 && (try? promoted.decode(UserDTO.self))?.role == .admin, "\(promoted.text)")
        let refreshed = try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: bob.refreshToken))
        #expect(try CaughtEmail.claims(ofJWT: try refreshed.decode(TokenResponse.self).accessToken)["role"] as? String == "admin")
        let adminId = try await shop.api.send(.GET, "/auth/me", token: admin).decode(UserDTO.self).id
        expectProblem(try await shop.api.send(.PATCH, "/users/\(adminId)", json: UpdateUserRequest(role: .customer), token: admin), 409)
    }

    @Test("DELETE /users/:id (admin): the user can no longer log in, refresh or be read; their sessions end")
    func deleteUser() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let doomed = try await shop.newCustomer(name: "Doomed")
        expectProblem(try await shop.api.send(.DELETE, "/users/\(doomed.user.id)", token: doomed.token), 403)
        let deleted = try await shop.api.send(.DELETE, "/users/\(doomed.user.id)", token: admin)
        #expect(deleted.status == 204, "\(deleted.text)")
        expectProblem(try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: doomed.email, password: doomed.password)), 401)
        expectProblem(try await shop.api.send(.POST, "/auth/refresh", json: RefreshRequest(refreshToken: doomed.refreshToken)), 401)
        expectProblem(try await shop.api.send(.GET, "/auth/me", token: doomed.token), 401)
        expectProblem(try await shop.api.send(.GET, "/users/\(doomed.user.id)", token: admin), 404)
        expectProblem(try await shop.api.send(.DELETE, "/users/\(doomed.user.id)", token: admin), 404)
        let adminId = try await shop.api.send(.GET, "/auth/me", token: admin).decode(UserDTO.self).id
        expectProblem(try await shop.api.send(.DELETE, "/users/\(adminId)", token: admin), 409)
    }
}
