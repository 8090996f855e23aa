import Foundation

/// Finds the fields of a JSON request body that its type does not know: a typo such as
/// `"quantiy"` must not be silently ignored.
///
/// The decoded value is encoded again and the two documents are compared key by key, nested
/// objects and arrays included: a key of the input that the re-encoded value lacks is unknown.
/// A key whose input value is `null` is accepted (an optional the type left out when encoding).
enum UnknownFields {
    /// The dotted paths of the unknown fields (`lines[1].colour`), in order.
    static func find<T: Encodable>(in body: Data, decoded value: T) -> [String] {
        guard let input = try? JSONSerialization.jsonObject(with: body),
            let reencoded = try? JSONSerialization.jsonObject(with: ShopJSON.encoder.encode(value))
        else { return [] }
        var unknown: [String] = []
        compare(input, reencoded, path: "", unknown: &unknown)
        return unknown
    }

    private static func compare(_ input: Any, _ known: Any, path: String, unknown: inout [String]) {
        switch (input, known) {
        case (let input as [String: Any], let known as [String: Any]):
            for key in input.keys.sorted() {
                let fieldPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownValue = known[key] else {
                    if !(input[key] is NSNull) {
                        unknown.append(fieldPath)
                    }
                    continue
                }
                compare(input[key]!, knownValue, path: fieldPath, unknown: &unknown)
            }
        case (let input as [Any], let known as [Any]):
            for (index, (element, knownElement)) in zip(input, known).enumerated() {
                compare(element, knownElement, path: "\(path)[\(index)]", unknown: &unknown)
            }
        default:
            break
        }
    }
}
