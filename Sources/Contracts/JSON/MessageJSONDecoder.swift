import Foundation

/// Decodes `Decodable` values from JSON as Foundation's `JSONDecoder` does with
/// `dateDecodingStrategy = .iso8601` and its other strategies at their defaults, in a
/// fraction of the time for documents the size of queue messages.
///
/// Why it exists: Foundation's `decode(_:from:)` is not inlinable, so it runs unspecialised
/// and pays for a decoder object, its options and generic metadata lookups on every call.
/// For a worker with a no-op handler that was 24 % of its CPU (BENCHMARKS.md, issue 3).
/// This one parses into a ``JSONNode`` tree in one pass, decodes `String`, `UUID` and the
/// integers without a nested decoder, and builds coding paths only for errors.
///
/// What it does as Foundation does (and `MessageJSONDecoderTests` checks against Foundation):
/// the same `DecodingError` cases with the same coding paths; integers from integral
/// numbers only; `Date` from ISO 8601, `Data` from Base64, `URL` from a string, `Decimal`
/// from the number's text; `null` as `nil` in optionals; the first of repeated keys wins.
/// Queue messages (``MessageCoding``) and HTTP request bodies (ServiceKit) are decoded with it.
///
/// Where it is deliberately stricter or clearer than Foundation:
/// - a number that does not fit its field, or a string that is not a date, is reported at
///   that field's coding path with a message for people ("expected an integer from ... to
///   ..., got 2.5"), where Foundation reports an empty path (which an API answer or a
///   dead-letter reason would render as "not valid JSON");
/// - the whole document must be JSON: Foundation does not check the strings of members it
///   skips, so `{"x": 1, "junk": "\q"}` decodes there;
/// - a UUID must be in its canonical 36-character form: Foundation's `sscanf` reads
///   `8B-6` as the byte 0xFA.
public struct MessageJSONDecoder: Sendable {
    public init() {}

    /// Decodes a `T` from a whole JSON document.
    /// - Throws: `DecodingError`; `.dataCorrupted` with an empty coding path when the
    ///   document is not JSON at all.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONNodeDecoder.decode(T.self, from: Self.parse(bytes), at: [])
    }

    /// The parsed document, or the `DecodingError` for a document that is not JSON.
    static func parse(_ bytes: [UInt8]) throws(DecodingError) -> JSONNode {
        do {
            return try JSONNode.parse(bytes)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "The given data was not valid JSON: \(error)", underlyingError: error)
            )
        }
    }
}

/// A `Decoder` over one node of a parsed document; also its own single-value container.
struct JSONNodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else {
            throw node.typeMismatch([String: Any].self, at: codingPath)
        }
        return KeyedDecodingContainer(JSONKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else {
            throw node.typeMismatch([Any].self, at: codingPath)
        }
        return JSONUnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// Decodes `T` from `node`: the primitives and the types Foundation treats specially
    /// first, then `T`'s own `init(from:)`. `path` is only evaluated for an error or a nested
    /// decoder. The containers have no overload per primitive: their generic `decode` also
    /// stands for `decode(Int.self)` and the like, and comes here.
    static func decode<T: Decodable>(_ type: T.Type, from node: JSONNode, at path: @autoclosure () -> [any CodingKey]) throws -> T {
        // Most used first: every message has strings, UUIDs and integers.
        if T.self == String.self { return try node.unwrapString(at: path()) as! T }
        if T.self == UUID.self { return try node.unwrapUUID(at: path()) as! T }
        if T.self == Int.self { return try node.unwrapInteger(Int.self, at: path()) as! T }
        if T.self == Bool.self { return try node.unwrapBool(at: path()) as! T }
        if T.self == Double.self { return try node.unwrapFloatingPoint(Double.self, at: path()) as! T }
        if T.self == Date.self { return try node.unwrapDate(at: path()) as! T }
        if T.self == Float.self { return try node.unwrapFloatingPoint(Float.self, at: path()) as! T }
        if T.self == Int64.self { return try node.unwrapInteger(Int64.self, at: path()) as! T }
        if T.self == Int32.self { return try node.unwrapInteger(Int32.self, at: path()) as! T }
        if T.self == Int16.self { return try node.unwrapInteger(Int16.self, at: path()) as! T }
        if T.self == Int8.self { return try node.unwrapInteger(Int8.self, at: path()) as! T }
        if T.self == UInt.self { return try node.unwrapInteger(UInt.self, at: path()) as! T }
        if T.self == UInt64.self { return try node.unwrapInteger(UInt64.self, at: path()) as! T }
        if T.self == UInt32.self { return try node.unwrapInteger(UInt32.self, at: path()) as! T }
        if T.self == UInt16.self { return try node.unwrapInteger(UInt16.self, at: path()) as! T }
        if T.self == UInt8.self { return try node.unwrapInteger(UInt8.self, at: path()) as! T }
        if T.self == Data.self { return try node.unwrapData(at: path()) as! T }
        if T.self == URL.self { return try node.unwrapURL(at: path()) as! T }
        if T.self == Decimal.self { return try node.unwrapDecimal(at: path()) as! T }
        return try T(from: JSONNodeDecoder(node: node, codingPath: path()))
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { node.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Self.decode(type, from: node, at: codingPath) }
}
