import Foundation

/// Converting a node to the Swift value a field asks for; failures are `DecodingError`s of the
/// kinds and coding paths Foundation reports, with messages written for people.
extension JSONNode {
    var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The error for a node that is not a `type`: `valueNotFound` for `null`, `typeMismatch`
    /// otherwise (as Foundation's `JSONDecoder` reports them).
    func typeMismatch(_ type: Any.Type, at path: [any CodingKey]) -> DecodingError {
        if isNull {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(kindDescription) instead."))
    }

    func unwrapBool(at path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = self else { throw typeMismatch(Bool.self, at: path()) }
        return value
    }

    func unwrapString(at path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let value) = self else { throw typeMismatch(String.self, at: path()) }
        return value
    }

    /// An integer from a number literal; `1e3` and `2.0` are integers too, `2.5` is not
    /// and nor is a number out of `T`'s range (`dataCorrupted`, as with Foundation).
    func unwrapInteger<T: FixedWidthInteger>(_ type: T.Type, at path: @autoclosure () -> [any CodingKey]) throws -> T {
        guard case .number(let text) = self else { throw typeMismatch(T.self, at: path()) }
        if let value = T(text, radix: 10) { return value }
        if let double = Double(text), let value = T(exactly: double) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "expected an integer from \(T.min) to \(T.max), got \(Self.excerpt(text))"))
    }

    /// A floating-point number; one too large for `T` is `dataCorrupted`, not infinity.
    func unwrapFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: T.Type,
        at path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        guard case .number(let text) = self else { throw typeMismatch(T.self, at: path()) }
        guard let value = T(text), value.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "the number \(Self.excerpt(text)) is out of range"))
        }
        return value
    }

    func unwrapUUID(at path: @autoclosure () -> [any CodingKey]) throws -> UUID {
        guard let uuid = Self.parseUUID(try unwrapString(at: path())) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "expected a UUID (32 hex digits as 8-4-4-4-12)"))
        }
        return uuid
    }

    /// A date in ISO 8601 (`2026-12-05T16:54:00Z`): the `.iso8601` strategy of `MessageCoding`.
    func unwrapDate(at path: @autoclosure () -> [any CodingKey]) throws -> Date {
        let text = try unwrapString(at: path())
        guard let date = try? Date.ISO8601FormatStyle().parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "expected a date in ISO 8601 form, like 2026-12-05T16:54:00Z"))
        }
        return date
    }

    /// Bytes written as Base64: Foundation's default `Data` strategy.
    func unwrapData(at path: @autoclosure () -> [any CodingKey]) throws -> Data {
        guard let data = Data(base64Encoded: try unwrapString(at: path())) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "expected Base64"))
        }
        return data
    }

    func unwrapURL(at path: @autoclosure () -> [any CodingKey]) throws -> URL {
        guard let url = URL(string: try unwrapString(at: path())) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "expected a URL"))
        }
        return url
    }

    /// A decimal from the number's own digits, so that `0.1` is exactly one tenth.
    func unwrapDecimal(at path: @autoclosure () -> [any CodingKey]) throws -> Decimal {
        guard case .number(let text) = self else { throw typeMismatch(Decimal.self, at: path()) }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "the number \(Self.excerpt(text)) is out of range"))
        }
        return value
    }

    /// A number's text as an error quotes it: cut short, since a document may hold a long one.
    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }

    /// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` in either case: what `UUID(uuidString:)`
    /// accepts, without its `sscanf`, which was a third of the time to decode an order.
    static func parseUUID(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &bytes) { output -> Bool in
                var position = 0
                for byteIndex in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        guard utf8[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = utf8[position].hexDigitValue, let low = utf8[position + 1].hexDigitValue else { return false }
                    output[byteIndex] = high << 4 | low
                    position += 2
                }
                return true
            }
            return parsed ? UUID(uuid: bytes) : nil
        }
    }
}
