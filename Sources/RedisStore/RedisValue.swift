/// One reply from Redis (RESP2), converted from hiredis' reply tree into a Swift value.
public enum RedisValue: Sendable, Hashable {
    /// A nil bulk string or nil array (`GET` of a missing key, a failed `SET ... NX`).
    case null
    /// A bulk string: arbitrary bytes, binary-safe.
    case string([UInt8])
    /// A simple status reply such as `OK` or `PONG`.
    case status(String)
    /// An integer reply.
    case integer(Int64)
    /// An error reply such as `ERR unknown command`. `RedisClient.send(_:_:)` throws
    /// ``RedisError/server(message:command:)`` for a top-level error; inside arrays and pipelines
    /// it is returned in place.
    case error(String)
    /// A multi-bulk reply.
    case array([RedisValue])
}

extension RedisValue {
    /// The text of a bulk string (when it is valid UTF-8) or of a status reply; otherwise `nil`.
    public var string: String? {
        switch self {
        case .string(let bytes): String(validating: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// The raw bytes of a bulk string, or `nil` for any other reply.
    public var bytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }

    /// An integer reply, or a bulk string holding a decimal integer (as `GET` returns counters);
    /// otherwise `nil`.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .string(let bytes): String(validating: bytes, as: UTF8.self).flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of a multi-bulk reply, or `nil` for any other reply.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Whether this is the nil reply.
    public var isNull: Bool {
        self == .null
    }

    /// The message of an error reply, or `nil` for any other reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

extension RedisValue: CustomStringConvertible {
    /// A short, redis-cli-like rendering (bulk strings are shown as text when they are UTF-8).
    public var description: String {
        switch self {
        case .null: "(nil)"
        case .string(let bytes): String(validating: bytes, as: UTF8.self).map { "\"\($0)\"" } ?? "<\(bytes.count) bytes>"
        case .status(let text): text
        case .integer(let value): "(integer) \(value)"
        case .error(let message): "(error) \(message)"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
