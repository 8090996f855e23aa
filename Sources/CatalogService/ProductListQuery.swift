import Foundation
import CatalogCore
import Hummingbird
import ServiceKit

/// The query of `GET /products`, validated: paging, filters, search and order.
struct ProductListQuery: Sendable {
    var paging: PageRequest
    var filter: ProductFilter

    init(_ parameters: Parameters) throws(HTTPProblem) {
        var validator = Validator()
        paging = PageRequest(parameters, validator: &validator)
        filter = ProductFilter()

        if let category = parameters.get("category") {
            validator.check((1...64).contains(category.count), "category", "must be 1 to 64 characters")
            filter.category = category
        }
        filter.minPrice = Self.price(parameters.get("minPrice"), "minPrice", validator: &validator)
        filter.maxPrice = Self.price(parameters.get("maxPrice"), "maxPrice", validator: &validator)
        if let min = filter.minPrice, let max = filter.maxPrice {
            validator.check(min <= max, "maxPrice", "must not be below minPrice")
        }
        if let inStock = parameters.get("inStock") {
            validator.check(inStock == "true" || inStock == "false", "inStock", "must be true or false")
            filter.inStock = inStock == "true" ? true : inStock == "false" ? false : nil
        }
        if let text = parameters.get("q") {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            validator.check((1...100).contains(trimmed.count), "q", "must be 1 to 100 characters")
            filter.text = trimmed
        }
        if let sort = parameters.get("sort") {
            let order = ProductSort(rawValue: sort)
            validator.check(order != nil, "sort", "must be one of \(ProductSort.allCases.map(\.rawValue).joined(separator: ", "))")
            filter.sort = order ?? .createdAtDescending
        }
        try validator.validate()
    }

    private static func price(_ text: String?, _ field: String, validator: inout Validator) -> Int? {
        guard let text else { return nil }
        let value = Int(text)
        validator.check(value.map { ProductRules.prices.contains($0) } ?? false, field, "must be an integer from 0 to 100000000 (minor units)")
        return value
    }

    /// The cache key: every parameter that shapes the answer, normalised.
    var cacheKey: String {
        [
            "products", "page=\(paging.page)", "limit=\(paging.limit)", "category=\(filter.category ?? "")",
            "min=\(filter.minPrice.map(String.init) ?? "")", "max=\(filter.maxPrice.map(String.init) ?? "")",
            "stock=\(filter.inStock.map { String($0) } ?? "")", "sort=\(filter.sort.rawValue)", "q=\(filter.text ?? "")",
        ].joined(separator: ":")
    }
}
