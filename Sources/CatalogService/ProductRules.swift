import Contracts
import ServiceKit

/// What a product must be to enter the catalog.
enum ProductRules {
    static func validate(_ product: CreateProductRequest) throws(HTTPProblem) {
        var validator = Validator()
        validator.check(
            (1...64).contains(product.sku.count) && product.sku.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") },
            "sku", "must be 1 to 64 letters, digits, '-' or '_'"
        )
        validator.checkLength(product.name, "name", 1...200)
        validator.check((product.description ?? "").count <= 5000, "description", "must be at most 5000 characters long")
        validator.check(
            (1...64).contains(product.category.count) && product.category == product.category.lowercased(),
            "category", "must be 1 to 64 lowercase characters"
        )
        validator.check((0...100_000_000).contains(product.price.amount), "price.amount", "must be 0 to 100000000 minor units")
        validator.check(
            product.price.currency.count == 3 && product.price.currency.allSatisfy { $0.isASCII && $0.isUppercase },
            "price.currency", "must be an ISO 4217 code like EUR"
        )
        validator.check((0...1_000_000).contains(product.stock), "stock", "must be 0 to 1000000")
        try validator.validate()
    }
}
