import Contracts
import EmailsCore
import Foundation
import Hummingbird
import ServiceKit

/// `/emails`: the email log, for admins.
struct EmailsController: Sendable {
    let log: EmailLog

    func addRoutes(to router: Router<ShopRequestContext>) {
        router.group("emails").get(use: list)
    }

    /// `GET /emails?page=&limit=&recipient=` (admin): newest first.
    @Sendable func list(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<EmailLogEntry>> {
        _ = try context.requireAdmin()
        let parameters = request.uri.queryParameters
        var validator = Validator()
        let page = Int(parameters.get("page") ?? "1")
        let limit = Int(parameters.get("limit") ?? "20")
        validator.check(page.map { (1...10_000).contains($0) } ?? false, "page", "must be an integer from 1 to 10000")
        validator.check(limit.map { (1...100).contains($0) } ?? false, "limit", "must be an integer from 1 to 100")
        try validator.validate()
        let (entries, total) = try await log.list(recipient: parameters.get("recipient"), page: page ?? 1, limit: limit ?? 20)
        return JSONResponse(Page(items: entries, page: page ?? 1, limit: limit ?? 20, total: total))
    }
}
