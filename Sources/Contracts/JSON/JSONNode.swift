/// A parsed JSON document, as ``MessageJSONDecoder`` decodes it.
///
/// Numbers keep their literal text: each is converted only when a field asks for it, and
/// then to exactly the type that field has (an `Int` never goes through a `Double`).
/// An object keeps its members in document order; where a key repeats, the first one wins,
/// as with Foundation's `JSONDecoder`.
enum JSONNode {
    case null
    case bool(Bool)
    /// A number as written, already checked against JSON's number grammar.
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])

    /// How the node is named in a type-mismatch error: "a string", "null"...
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why a document is not valid JSON, and where: the `underlyingError` of the
/// `DecodingError.dataCorrupted` that ``MessageJSONDecoder`` throws for it.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    /// The byte offset of the problem in the document.
    public var offset: Int
    /// What is wrong there, e.g. "expected ',' or '}' in an object, found end of the document".
    public var problem: String

    public var description: String { "\(problem) at byte \(offset)" }
}

extension UInt8 {
    /// The value of an ASCII hex digit (either case), or nil for any other byte.
    var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
