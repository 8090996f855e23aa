import Contracts

extension JSONValue {
    /// What the value is, for error messages: "a string", "an object"...
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// An object of `config.json` being read: each key is taken once, and keys nobody took are
/// reported, so a typo (`"timout"`) stops start-up instead of being ignored.
struct ConfigObject {
    private let members: [String: JSONValue]
    private var taken: Set<String> = []
    /// The route the object belongs to, for error messages.
    let route: String?
    /// Where in the route the object is (`rateLimit`), for error messages; empty at the top.
    let path: String

    init(_ members: [String: JSONValue], route: String?, path: String = "") {
        self.members = members
        self.route = route
        self.path = path
    }

    func error(_ key: String, _ reason: String) -> GatewayConfigurationError {
        GatewayConfigurationError(route: route, reason: "\"\(path.isEmpty ? key : "\(path).\(key)")\" \(reason)")
    }

    mutating func value(_ key: String) -> JSONValue? {
        taken.insert(key)
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    mutating func string(_ key: String) throws(GatewayConfigurationError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let string) = value else { throw error(key, "must be a string, not \(value.kind)") }
        return string
    }

    mutating func bool(_ key: String) throws(GatewayConfigurationError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let bool) = value else { throw error(key, "must be true or false, not \(value.kind)") }
        return bool
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(GatewayConfigurationError) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double
        switch value {
        case .int(let integer): number = Double(integer)
        case .double(let double): number = double
        default: throw error(key, "must be a number, not \(value.kind)")
        }
        guard range.contains(number) else { throw error(key, "must be between \(range.lowerBound.formatted()) and \(range.upperBound.formatted())") }
        return number
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(GatewayConfigurationError) -> Int? {
        guard let number = try number(key, in: Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
        guard number.rounded() == number else { throw error(key, "must be a whole number") }
        return Int(number)
    }

    mutating func strings(_ key: String) throws(GatewayConfigurationError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw error(key, "must be an array of strings, not \(value.kind)") }
        return try items.map { item throws(GatewayConfigurationError) in
            guard case .string(let string) = item else { throw error(key, "must be an array of strings") }
            return string
        }
    }

    mutating func object(_ key: String) throws(GatewayConfigurationError) -> ConfigObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else { throw error(key, "must be an object, not \(value.kind)") }
        return ConfigObject(members, route: route, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// Refuses keys that were never taken.
    func finish() throws(GatewayConfigurationError) {
        let unknown = Set(members.keys).subtracting(taken).sorted()
        if let first = unknown.first {
            throw error(first, "is not a known setting")
        }
    }
}

extension Double {
    fileprivate func formatted() -> String {
        rounded() == self ? String(Int(self)) : String(self)
    }
}
