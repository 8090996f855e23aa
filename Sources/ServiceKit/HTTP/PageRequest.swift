import Contracts
import Hummingbird

/// The `page` and `limit` query parameters of every paginated list (`GET /products`,
/// `GET /orders`, `GET /users`, `GET /emails`...), validated the same way everywhere:
/// `page` from 1 (default 1), `limit` from 1 to 100 (default 20).
///
/// ```swift
/// var validator = Validator()
/// let paging = PageRequest(request.uri.queryParameters, validator: &validator)
/// // ... check the list's own filters with the same validator ...
/// try validator.validate()
/// ```
public struct PageRequest: Sendable, Hashable {
    public static let maximumPage = 10_000
    public static let limits = 1...100
    public static let defaultLimit = 20

    /// 1-based page number.
    public var page: Int
    public var limit: Int

    public init(page: Int = 1, limit: Int = PageRequest.defaultLimit) {
        self.page = page
        self.limit = limit
    }

    /// Reads `page` and `limit` from `parameters`, recording a field error in `validator` for
    /// each one that is not an integer in bounds (then the default stands in for it).
    public init(_ parameters: Parameters, validator: inout Validator) {
        self.init()
        if let text = parameters.get("page") {
            let value = Int(text)
            validator.check(value.map { (1...Self.maximumPage).contains($0) } ?? false, "page", "must be an integer from 1 to \(Self.maximumPage)")
            self.page = value.flatMap { (1...Self.maximumPage).contains($0) ? $0 : nil } ?? 1
        }
        if let text = parameters.get("limit") {
            let value = Int(text)
            validator.check(
                value.map { Self.limits.contains($0) } ?? false,
                "limit",
                "must be an integer from \(Self.limits.lowerBound) to \(Self.limits.upperBound)"
            )
            self.limit = value.flatMap { Self.limits.contains($0) ? $0 : nil } ?? Self.defaultLimit
        }
    }

    /// Rows to skip: `(page - 1) * limit`.
    public var offset: Int { (page - 1) * limit }

    /// The page of `items` out of `total`.
    public func page<Item>(_ items: [Item], total: Int) -> Page<Item> {
        Page(items: items, page: page, limit: limit, total: total)
    }
}
