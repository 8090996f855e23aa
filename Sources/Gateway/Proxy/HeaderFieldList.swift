import HTTPTypes
import NIOHTTP1
import ServiceKit

/// Header fields the gateway assembles for a message it writes (a request for an upstream, an
/// answer for a client), appended without the scan `HTTPHeaders.add` makes of every name: a
/// proxied request builds two header blocks, and that scan alone was 3 % of its instructions.
/// Every name appended is a token already: the gateway's own, or one a parser accepted.
///
/// Names compare case-insensitively, as in `HTTPHeaders`.
struct HeaderFieldList: EdgeHeaderFields {
    private(set) var fields: [(String, String)] = []

    init() {}

    /// A list of `fields`, as they are.
    init(_ fields: [(String, String)]) {
        self.fields = fields
    }

    /// The fields as NIO's type (the array is moved, not copied).
    var httpHeaders: HTTPHeaders { HTTPHeaders(fields) }

    mutating func reserveCapacity(_ minimumCapacity: Int) {
        fields.reserveCapacity(minimumCapacity)
    }

    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        fields.withUnsafeBufferPointer { fields in  // read in place, as in `first(_:)`
            for index in fields.indices {
                body(fields[index].0, fields[index].1)
            }
        }
    }

    func values(_ name: HTTPField.Name) -> [String] {
        fields.compactMap { HeaderName.matches($0.0, lowercased: name.canonicalName) ? $0.1 : nil }
    }

    func first(_ name: HTTPField.Name) -> String? {
        let lowercased = name.canonicalName
        return fields.withUnsafeBufferPointer { fields in  // read in place: a copy of each field retains its strings
            for index in fields.indices where HeaderName.matches(fields[index].0, lowercased: lowercased) {
                return fields[index].1
            }
            return nil
        }
    }

    mutating func set(_ name: HTTPField.Name, to value: String) {
        remove(name)
        fields.append((name.rawName, value))
    }

    mutating func append(_ name: HTTPField.Name, _ value: String) {
        fields.append((name.rawName, value))
    }

    mutating func append(rawName: String, _ value: String) {
        fields.append((rawName, value))
    }

    mutating func remove(_ name: HTTPField.Name) {
        fields.removeAll { HeaderName.matches($0.0, lowercased: name.canonicalName) }
    }
}

/// Matching header names as received (any case) against lowercase ones, on their UTF-8 bytes:
/// header names are ASCII tokens, and these comparisons run for every field of every message.
enum HeaderName {
    /// Whether `name` equals `lowercased` ignoring ASCII case (only letters fold).
    static func matches(_ name: String, lowercased: String) -> Bool {
        guard name.utf8.count == lowercased.utf8.count else { return false }
        return name.withUTF8Bytes { bytes in lowercased.withUTF8Bytes { matches(bytes, lowercased: $0) } }
    }

    /// Whether `bytes` equal `expected` (a lowercase literal) ignoring ASCII case.
    static func matches(_ bytes: UnsafeRawBufferPointer, lowercased expected: StaticString) -> Bool {
        guard bytes.count == expected.utf8CodeUnitCount else { return false }
        return expected.withUTF8Buffer { matches(bytes.assumingMemoryBound(to: UInt8.self), lowercased: $0) }
    }

    /// Whether `bytes` equal `expected` (lowercase) ignoring ASCII case.
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, lowercased expected: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == expected.count else { return false }
        for index in 0..<bytes.count {
            let (byte, lowercased) = (bytes[index], expected[index])
            guard byte == lowercased || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == lowercased) else { return false }
        }
        return true
    }
}

/// A fixed set of lowercase header names, matched against names as received (any case): which
/// fields a proxy drops or replaces, checked for every field it relays.
struct HeaderNameSet: Sendable {
    /// The names' bytes, one after another.
    private let bytes: [UInt8]
    /// Where each name is in ``bytes``, in the order given.
    private let names: [Range<Int>]
    /// Bit `n` set: a name is `n` bytes long (bit 63: 63 or more). Most names looked up are
    /// ruled out by their length alone, before any byte is compared.
    private let lengths: UInt64

    /// A set of `lowercasedNames` (lowercase ASCII).
    init(_ lowercasedNames: [String]) {
        var bytes: [UInt8] = []
        var names: [Range<Int>] = []
        var lengths: UInt64 = 0
        for name in lowercasedNames {
            names.append(bytes.count..<(bytes.count + name.utf8.count))
            bytes += name.utf8
            lengths |= Self.lengthBit(name.utf8.count)
        }
        self.bytes = bytes
        self.names = names
        self.lengths = lengths
    }

    private static func lengthBit(_ count: Int) -> UInt64 {
        1 << UInt64(min(count, 63))
    }

    /// Whether `name` is one of the set's names, ignoring ASCII case.
    func contains(_ name: String) -> Bool {
        firstIndex(of: name) != nil
    }

    /// Where `name` is in the names the set was made of, ignoring ASCII case.
    func firstIndex(of name: String) -> Int? {
        name.withUTF8Bytes(firstIndex)
    }

    /// Where `name` (its bytes) is in the names the set was made of, ignoring ASCII case.
    func firstIndex(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard lengths & Self.lengthBit(name.count) != 0 else { return nil }
        return bytes.withUnsafeBufferPointer { bytes in
            names.withUnsafeBufferPointer { names in
                names.firstIndex { $0.count == name.count && HeaderName.matches(name, lowercased: UnsafeBufferPointer(rebasing: bytes[$0])) }
            }
        }
    }
}
