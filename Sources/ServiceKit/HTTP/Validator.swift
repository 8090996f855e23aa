import Foundation
import Contracts

/// Collects every invalid field of a request before answering, so the caller learns
/// everything wrong at once:
/// ```swift
/// var validator = Validator()
/// validator.check(body.quantity >= 1, "quantity", "must be at least 1")
/// try validator.validate()
/// ```
public struct Validator: Sendable {
    public private(set) var errors: [ProblemDetails.FieldError] = []

    public init() {}

    /// Records `message` for `field` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition {
            errors.append(ProblemDetails.FieldError(field: field, message: message))
        }
    }

    /// Checks a string's length in characters, after trimming whitespace.
    public mutating func checkLength(_ value: String, _ field: String, _ range: ClosedRange<Int>) {
        let count = value.trimmingCharacters(in: .whitespacesAndNewlines).count
        check(range.contains(count), field, "must be \(range.lowerBound) to \(range.upperBound) characters long")
    }

    /// Throws a `400` listing every recorded field, if any.
    public func validate() throws(HTTPProblem) {
        if !errors.isEmpty {
            throw HTTPProblem.validation(errors)
        }
    }
}
