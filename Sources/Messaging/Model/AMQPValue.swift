import Foundation

/// A value in an AMQP field table: message headers and queue arguments.
///
/// Decoding maps every AMQP integer width (8 to 64 bits, signed or not) to ``int(_:)``,
/// 32- and 64-bit floats and decimals to ``double(_:)``, and byte arrays to ``string(_:)``.
/// Encoding always writes the widest type (`l` for integers, `d` for doubles), which
/// RabbitMQ accepts for every argument it knows (`x-message-ttl`, `x-delivery-limit`, ...).
/// Timestamps travel as whole seconds since 1970: sub-second precision is dropped.
public enum AMQPValue: Sendable, Hashable {
    /// A long string (`S`).
    case string(String)
    /// A signed 64-bit integer (`l`).
    case int(Int64)
    /// A boolean (`t`).
    case bool(Bool)
    /// A 64-bit float (`d`).
    case double(Double)
    /// A timestamp in whole seconds (`T`).
    case timestamp(Date)
    /// A field array (`A`), as in the `x-death` header's `routing-keys`.
    case array([AMQPValue])
    /// A nested field table (`F`), as in each entry of the `x-death` header.
    case table([String: AMQPValue])
    /// The void value (`V`).
    case void
}

extension AMQPValue {
    /// The string, if this is a ``string(_:)``.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an ``int(_:)``.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is a ``bool(_:)``.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an ``array(_:)``.
    public var arrayValue: [AMQPValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The entries, if this is a ``table(_:)``.
    public var tableValue: [String: AMQPValue]? {
        if case .table(let value) = self { return value }
        return nil
    }
}

extension AMQPValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    /// A ``string(_:)`` from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An ``int(_:)`` from a literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A ``bool(_:)`` from a literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
