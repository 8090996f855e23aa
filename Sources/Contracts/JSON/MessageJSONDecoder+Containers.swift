/// The keyed container over a JSON object's members.
struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// Objects with more members than this get a hash index; smaller ones are searched,
    /// which is faster for the handful of fields a message has.
    static var indexThreshold: Int { 16 }

    let members: [(key: String, value: JSONNode)]
    let codingPath: [any CodingKey]
    /// Member positions by name (the first of repeated names), for large objects only.
    private let index: [String: Int]?

    init(members: [(key: String, value: JSONNode)], codingPath: [any CodingKey]) {
        self.members = members
        self.codingPath = codingPath
        if members.count > Self.indexThreshold {
            self.index = Dictionary(members.indices.map { (members[$0].key, $0) }, uniquingKeysWith: { first, _ in first })
        } else {
            self.index = nil
        }
    }

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { value(for: key) != nil }

    private func value(for key: Key) -> JSONNode? {
        let name = key.stringValue
        if let index { return index[name].map { members[$0].value } }
        return members.first { $0.key == name }?.value
    }

    private func required(_ key: Key) throws -> JSONNode {
        guard let value = value(for: key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\").")
            )
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try required(key).isNull }

    /// Every type, `Int` or `String` too: ``JSONNodeDecoder/decode(_:from:at:)`` has the
    /// primitives' fast paths, once for all three kinds of container.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONNodeDecoder.decode(type, from: required(key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONNodeDecoder(node: required(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONNodeDecoder(node: required(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    /// The decoder of the member named `super` (`null` when there is none), as Foundation's.
    func superDecoder() throws -> any Decoder {
        JSONNodeDecoder(node: members.first { $0.key == "super" }?.value ?? .null, codingPath: codingPath + [JSONIndexKey(stringValue: "super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONNodeDecoder(node: value(for: key) ?? .null, codingPath: codingPath + [key])
    }
}

/// The unkeyed container over a JSON array's elements.
struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONNode]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONNode], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var currentPath: [any CodingKey] { codingPath + [JSONIndexKey(intValue: currentIndex)] }

    /// The current element; the index moves on only once it decoded (as with Foundation).
    private func current(_ type: Any.Type) throws -> JSONNode {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: currentPath, debugDescription: "Unkeyed container is at end."))
        }
        return elements[currentIndex]
    }

    private mutating func advance<T>(_ value: T) -> T {
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Never.self).isNull else { return false }
        currentIndex += 1
        return true
    }

    /// Every type, `Int` or `String` too (see ``JSONKeyedContainer``).
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        advance(try JSONNodeDecoder.decode(type, from: current(type), at: currentPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        advance(try JSONNodeDecoder(node: current([String: Any].self), codingPath: currentPath).container(keyedBy: type))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        advance(try JSONNodeDecoder(node: current([Any].self), codingPath: currentPath).unkeyedContainer())
    }

    mutating func superDecoder() throws -> any Decoder {
        advance(JSONNodeDecoder(node: try current(Any.self), codingPath: currentPath))
    }
}

/// A coding key for an array index (or the `super` member), as coding paths show them.
struct JSONIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }
}
