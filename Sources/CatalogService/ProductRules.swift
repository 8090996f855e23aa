import Contracts
import ServiceKit

/// What a product must be to enter the catalog. Each check takes a field prefix, so a bulk
/// request names the row at fault (`items[3].price.amount`).
enum ProductRules {
    static let prices = 0...100_000_000
    static let stocks = 0...1_000_000
    static let maximumBulkItems = 100

    static func validate(_ product: CreateProductRequest) throws(HTTPProblem) {
        var validator = Validator()
        check(product, prefix: "", into: &validator)
        try validator.validate()
    }

    static func validate(_ product: ReplaceProductRequest) throws(HTTPProblem) {
        var validator = Validator()
        checkSKU(product.sku, "sku", into: &validator)
        checkName(product.name, "name", into: &validator)
        checkDescription(product.description, "description", into: &validator)
        checkCategory(product.category, "category", into: &validator)
        checkPrice(product.price, "price", into: &validator)
        try validator.validate()
    }

    static func validate(_ changes: UpdateProductRequest) throws(HTTPProblem) {
        var validator = Validator()
        if let sku = changes.sku { checkSKU(sku, "sku", into: &validator) }
        if let name = changes.name { checkName(name, "name", into: &validator) }
        checkDescription(changes.description, "description", into: &validator)
        if let category = changes.category { checkCategory(category, "category", into: &validator) }
        if let price = changes.price { checkPrice(price, "price", into: &validator) }
        let changesSomething = changes.sku != nil || changes.name != nil || changes.description != nil || changes.category != nil
            || changes.price != nil
        validator.check(changesSomething, "body", "must change at least one of sku, name, description, category, price")
        try validator.validate()
    }

    /// Every row checked on its own, plus SKUs that appear twice in the request.
    static func validate(_ bulk: BulkCreateProductsRequest) throws(HTTPProblem) {
        var validator = Validator()
        validator.check(
            (1...maximumBulkItems).contains(bulk.items.count), "items", "must hold 1 to \(maximumBulkItems) products"
        )
        var firstRowOfSKU: [String: Int] = [:]
        for (position, product) in bulk.items.enumerated() {
            let prefix = "items[\(position)]."
            check(product, prefix: prefix, into: &validator)
            if let first = firstRowOfSKU[product.sku.uppercased()] {
                validator.check(false, prefix + "sku", "repeats the SKU of items[\(first)]")
            } else {
                firstRowOfSKU[product.sku.uppercased()] = position
            }
        }
        try validator.validate()
    }

    static func check(_ product: CreateProductRequest, prefix: String, into validator: inout Validator) {
        checkSKU(product.sku, prefix + "sku", into: &validator)
        checkName(product.name, prefix + "name", into: &validator)
        checkDescription(product.description, prefix + "description", into: &validator)
        checkCategory(product.category, prefix + "category", into: &validator)
        checkPrice(product.price, prefix + "price", into: &validator)
        validator.check(stocks.contains(product.stock), prefix + "stock", "must be \(stocks.lowerBound) to \(stocks.upperBound)")
    }

    private static func checkSKU(_ sku: String, _ field: String, into validator: inout Validator) {
        validator.check(
            (1...64).contains(sku.count) && sku.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") },
            field, "must be 1 to 64 letters, digits, '-' or '_'"
        )
    }

    private static func checkName(_ name: String, _ field: String, into validator: inout Validator) {
        validator.checkLength(name, field, 1...200)
    }

    private static func checkDescription(_ description: String?, _ field: String, into validator: inout Validator) {
        validator.check((description ?? "").count <= 5000, field, "must be at most 5000 characters long")
    }

    private static func checkCategory(_ category: String, _ field: String, into validator: inout Validator) {
        validator.check(
            (1...64).contains(category.count) && category == category.lowercased(), field, "must be 1 to 64 lowercase characters"
        )
    }

    private static func checkPrice(_ price: Money, _ field: String, into validator: inout Validator) {
        validator.check(prices.contains(price.amount), field + ".amount", "must be \(prices.lowerBound) to \(prices.upperBound) minor units")
        validator.check(
            price.currency.count == 3 && price.currency.allSatisfy { $0.isASCII && $0.isUppercase },
            field + ".currency", "must be an ISO 4217 code like EUR"
        )
    }
}
