import AccountsCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// `/users`: accounts as admins manage them, and each user's own profile. Another user's
/// profile answers `404`, as if it did not exist.
struct UsersController: Sendable {
    let users: UserRepository
    let sessions: SessionStore
    let hasher: PasswordHasher

    var live: LiveIdentity { LiveIdentity(users: users, sessions: sessions) }

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("users")
        group.get(use: list)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
    }

    /// `GET /users?page=&limit=&email=&role=` (admin): live users, oldest first; `email`
    /// matches any part of the address.
    @Sendable func list(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<UserDTO>> {
        _ = try await live.requireAdmin(context)
        let parameters = request.uri.queryParameters
        var validator = Validator()
        let paging = PageRequest(parameters, validator: &validator)
        let email = parameters.get("email").map { $0.trimmingCharacters(in: .whitespaces) }
        if let email {
            validator.check((1...254).contains(email.count), "email", "must be 1 to 254 characters long")
        }
        let roleText = parameters.get("role")
        let role = roleText.flatMap(Role.init(rawValue:))
        validator.check(roleText == nil || role != nil, "role", "must be one of: customer, admin")
        try validator.validate()
        let (found, total) = try await users.list(emailContains: email, role: role, offset: paging.offset, limit: paging.limit)
        return JSONResponse(paging.page(found.map(\.dto), total: total))
    }

    /// `GET /users/:id` (the user themself or an admin).
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let target = try await visibleUser(request: request, context: context)
        return JSONResponse(target.dto)
    }

    /// `PATCH /users/:id` (the user themself or an admin): `name`, `password` (with
    /// `currentPassword` when it is one's own; ends the user's other sessions), `role` (admins only,
    /// not their own).
    @Sendable func update(request: Request, context: ShopRequestContext) async throws -> JSONResponse<UserDTO> {
        let caller = try await live.require(context)
        let target = try await visibleUser(request: request, context: context)
        let body = try await request.decodeJSON(UpdateUserRequest.self, context: context)
        let isSelf = caller.user.id == target.id

        var validator = Validator()
        if let name = body.name {
            validator.checkLength(name, "name", 1...100)
        }
        if let password = body.password {
            validator.check((8...72).contains(password.utf8.count), "password", "must be 8 to 72 bytes long")
            if isSelf {
                validator.check(body.currentPassword != nil, "currentPassword", "is required to change your own password")
            }
        }
        validator.check(body.currentPassword == nil || body.password != nil, "currentPassword", "is only used with password")
        try validator.validate()
        guard body.name != nil || body.password != nil || body.role != nil else {
            throw HTTPProblem.badRequest("Send at least one of name, password, role.")
        }
        if body.role != nil {
            guard caller.user.role == .admin else { throw HTTPProblem.forbidden("Only an admin can change a role.") }
            guard !isSelf else { throw HTTPProblem.conflict("Admins cannot change their own role.") }
        }
        if isSelf, body.password != nil, let current = body.currentPassword {
            guard try await hasher.verify(current, against: target.passwordHash) else {
                throw HTTPProblem.validation([.init(field: "currentPassword", message: "is not your current password")])
            }
        }

        var passwordHash: String?
        if let password = body.password {
            passwordHash = try await hasher.hash(password)
        }
        guard
            let updated = try await users.update(
                id: target.id, name: body.name?.trimmingCharacters(in: .whitespacesAndNewlines), passwordHash: passwordHash, role: body.role)
        else {
            throw HTTPProblem.notFound("No such user.")
        }
        if passwordHash != nil {
            let ended = try await sessions.endAll(userId: target.id, keeping: isSelf ? caller.identity.sessionId : nil)
            context.logger.info("password changed: other sessions ended", metadata: ["user.id": "\(target.id)", "sessions.ended": "\(ended)"])
        }
        context.logger.info("user updated", metadata: ["user.id": "\(target.id)", "by": "\(caller.user.id)"])
        return JSONResponse(updated.dto)
    }

    /// `DELETE /users/:id` (admin) → `204`: the user can no longer log in or refresh, and their
    /// sessions end at once.
    @Sendable func delete(request: Request, context: ShopRequestContext) async throws -> Response {
        let caller = try await live.requireAdmin(context)
        let id = try context.parameters.requireUUID("id")
        guard id != caller.user.id else { throw HTTPProblem.conflict("Admins cannot delete their own account.") }
        guard try await users.softDelete(id: id) else { throw HTTPProblem.notFound("No such user.") }
        let ended = try await sessions.endAll(userId: id)
        context.logger.info("user deleted", metadata: ["user.id": "\(id)", "by": "\(caller.user.id)", "sessions.ended": "\(ended)"])
        return Response(status: .noContent)
    }

    /// The user named by `:id` if the caller may see it: themself, or anyone for an admin;
    /// else `404`, so another user's existence never leaks.
    private func visibleUser(request: Request, context: ShopRequestContext) async throws -> User {
        let caller = try await live.require(context)
        let id = try context.parameters.requireUUID("id")
        if id == caller.user.id { return caller.user }
        guard caller.user.role == .admin, let user = try await users.find(id: id) else {
            throw HTTPProblem.notFound("No such user.")
        }
        return user
    }
}
