import HTTPTypes
import NIOHTTP1
import ServiceKit

/// Header fields as the gateway's edge policies read and write them, in the types that carry
/// them: HTTPTypes' `HTTPFields` on Hummingbird's path; on the event-loop path
/// (``ProxyHandler``), which never converts between the two, NIO's `HTTPHeaders` as parsed and
/// ``HeaderFieldList`` for the header blocks the gateway builds. Each policy
/// (forwarded headers, CORS, security headers, rate-limit headers) is written once, generic
/// over this protocol, and specialised for both.
///
/// Names compare case-insensitively in both.
protocol EdgeHeaderFields {
    init()
    mutating func reserveCapacity(_ minimumCapacity: Int)
    /// Calls `body` with each field's name (as sent) and value, in order.
    func forEachField(_ body: (_ name: String, _ value: String) -> Void)
    /// Calls `body` with the UTF-8 bytes of each field's name (as sent), in order: for checks
    /// of names alone, which need no `String` of a field kept as bytes (``RelayedHeaderFields``).
    func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Void)
    /// The values of the fields named `name`, in order.
    func values(_ name: HTTPField.Name) -> [String]
    /// The value of the first field named `name`.
    func first(_ name: HTTPField.Name) -> String?
    /// Replaces the fields named `name` with one of `value`.
    mutating func set(_ name: HTTPField.Name, to value: String)
    /// Appends a field, keeping any of the same name.
    mutating func append(_ name: HTTPField.Name, _ value: String)
    /// Appends a field by a name as received; `HTTPFields` drops a name that is not a valid token.
    mutating func append(rawName: String, _ value: String)
    /// Removes the fields named `name`.
    mutating func remove(_ name: HTTPField.Name)
}

extension EdgeHeaderFields {
    func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachField { name, _ in name.withUTF8Bytes(body) }
    }

    /// Appends every field of `fields`.
    mutating func append(contentsOf fields: some EdgeHeaderFields) {
        fields.forEachField { name, value in append(rawName: name, value) }
    }
}

extension HTTPFields: EdgeHeaderFields {
    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for field in self {
            body(field.name.rawName, field.value)
        }
    }

    func values(_ name: HTTPField.Name) -> [String] {
        self[values: name]
    }

    func first(_ name: HTTPField.Name) -> String? {
        self[name]
    }

    mutating func set(_ name: HTTPField.Name, to value: String) {
        self[name] = value
    }

    mutating func append(_ name: HTTPField.Name, _ value: String) {
        append(HTTPField(name: name, value: value))
    }

    mutating func append(rawName: String, _ value: String) {
        guard let name = HTTPField.Name(rawName) else { return }
        append(HTTPField(name: name, value: value))
    }

    mutating func remove(_ name: HTTPField.Name) {
        self[name] = nil
    }
}

extension HTTPHeaders: EdgeHeaderFields {
    init() {
        self.init([])
    }

    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for (name, value) in self {
            body(name, value)
        }
    }

    func values(_ name: HTTPField.Name) -> [String] {
        self[name.rawName]
    }

    func first(_ name: HTTPField.Name) -> String? {
        first(name: name.rawName)
    }

    mutating func set(_ name: HTTPField.Name, to value: String) {
        replaceOrAdd(name: name.rawName, value: value)
    }

    mutating func append(_ name: HTTPField.Name, _ value: String) {
        add(name: name.rawName, value: value)
    }

    mutating func append(rawName: String, _ value: String) {
        add(name: rawName, value: value)
    }

    mutating func remove(_ name: HTTPField.Name) {
        remove(name: name.rawName)
    }
}
