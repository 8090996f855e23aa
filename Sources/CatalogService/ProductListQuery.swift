import Hummingbird
import ServiceKit

/// The query of `GET /products`, validated.
struct ProductListQuery: Sendable {
    var page: Int
    var limit: Int
    var category: String?

    init(_ parameters: Parameters) throws(HTTPProblem) {
        var validator = Validator()
        let page = Int(parameters.get("page") ?? "1")
        let limit = Int(parameters.get("limit") ?? "20")
        validator.check(page.map { $0 >= 1 && $0 <= 10_000 } ?? false, "page", "must be an integer from 1 to 10000")
        validator.check(limit.map { (1...100).contains($0) } ?? false, "limit", "must be an integer from 1 to 100")
        let category = parameters.get("category")
        validator.check(category.map { (1...64).contains($0.count) } ?? true, "category", "must be 1 to 64 characters")
        try validator.validate()
        self.page = page ?? 1
        self.limit = limit ?? 20
        self.category = category
    }

    var cacheKey: String {
        "products:page=\(page):limit=\(limit):category=\(category ?? "")"
    }
}
