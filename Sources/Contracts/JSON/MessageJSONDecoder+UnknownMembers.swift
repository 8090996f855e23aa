import Foundation

extension MessageJSONDecoder {
    /// Decodes a `T` like ``decode(_:from:)``, and names the members of the document that `T`
    /// does not know, so that a typo such as `"quantiy"` is not silently ignored.
    ///
    /// The decoded value is encoded again with `encoder` and the two documents are compared
    /// member by member, nested objects and arrays included: a member of the input that the
    /// re-encoded value lacks is unknown, unless its value is `null` (an optional the type left
    /// out when encoding). The document is parsed once; Foundation's `JSONSerialization` is
    /// not involved.
    /// - Returns: the value, and the dotted paths of the unknown members (`lines[1].colour`),
    ///   in key order within each object.
    /// - Throws: `DecodingError`, as ``decode(_:from:)``.
    public func decodeNamingUnknownMembers<T: Codable>(
        _ type: T.Type, from bytes: [UInt8], encoder: JSONEncoder
    ) throws -> (value: T, unknownMembers: [String]) {
        let node = try Self.parse(bytes)
        let value = try JSONNodeDecoder.decode(T.self, from: node, at: [])
        guard let known = try? JSONNode.parse(Array(encoder.encode(value))) else { return (value, []) }
        var unknown: [String] = []
        node.collectMembers(unknownTo: known, path: "", into: &unknown)
        return (value, unknown)
    }
}

extension JSONNode {
    /// Appends the paths of the members of `self` that `known` lacks (see
    /// ``MessageJSONDecoder/decodeNamingUnknownMembers(_:from:encoder:)``).
    fileprivate func collectMembers(unknownTo known: JSONNode, path: String, into unknown: inout [String]) {
        switch (self, known) {
        case (.object(let members), .object(let knownMembers)):
            let knownByKey = Self.byKey(knownMembers)
            let inputByKey = Self.byKey(members)
            for key in inputByKey.keys.sorted() {
                let member = inputByKey[key]!
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if let knownValue = knownByKey[key] {
                    member.collectMembers(unknownTo: knownValue, path: memberPath, into: &unknown)
                } else if !member.isNull {
                    unknown.append(memberPath)
                }
            }
        case (.array(let elements), .array(let knownElements)):
            for (index, (element, knownElement)) in zip(elements, knownElements).enumerated() {
                element.collectMembers(unknownTo: knownElement, path: "\(path)[\(index)]", into: &unknown)
            }
        default:
            break
        }
    }

    /// An object's members by key; the first of repeated keys counts, as when decoding.
    private static func byKey(_ members: [(key: String, value: JSONNode)]) -> [String: JSONNode] {
        Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
