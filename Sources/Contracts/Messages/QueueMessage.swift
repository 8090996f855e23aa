import Foundation

/// A message that travels on one queue, as JSON, with its `type` in the AMQP `type` property.
public protocol QueueMessage: Codable, Sendable {
    /// The queue this message is published to.
    static var queue: QueueName { get }
    /// The AMQP `type` property, e.g. `order.placed`.
    static var messageType: String { get }
}

/// What a worker can decode from a delivery: one message type, or an enum of several
/// that share a queue (see ``CheckoutEvent``).
public protocol IncomingMessage: Sendable {
    /// Decodes a delivery's body, choosing the concrete type by its AMQP `type` property.
    static func decode(type: String?, body: [UInt8]) throws -> Self
}

extension QueueMessage {
    /// Encodes the message as the JSON body of a delivery.
    public func encodedBody() throws -> [UInt8] {
        Array(try MessageCoding.encoder.encode(self))
    }
}

extension IncomingMessage where Self: QueueMessage {
    public static func decode(type: String?, body: [UInt8]) throws -> Self {
        if let type, type != Self.messageType {
            throw MessageDecodingError.unexpectedType(type, expected: [Self.messageType])
        }
        return try MessageCoding.decode(Self.self, from: body)
    }
}

/// The JSON coding every queue message uses: camelCase keys, ISO 8601 dates.
public enum MessageCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Decodes `body` as `type`, turning a `DecodingError` into a ``MessageDecodingError``
    /// that names the field at fault. Decodes as ``decoder`` would, several times faster
    /// (see ``MessageJSONDecoder``): every delivery a worker takes comes through here.
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        do {
            return try MessageJSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw MessageDecodingError.invalidBody(type: String(describing: T.self), reason: error.fieldDescription)
        }
    }
}

/// Why a delivery could not be decoded. Such a message can never succeed: it is dead-lettered.
public enum MessageDecodingError: Error, CustomStringConvertible, Equatable {
    case unexpectedType(String?, expected: [String])
    case invalidBody(type: String, reason: String)

    public var description: String {
        switch self {
        case .unexpectedType(let type, let expected):
            "unexpected message type \(type.map { "'\($0)'" } ?? "(none)"), expected one of \(expected.joined(separator: ", "))"
        case .invalidBody(let type, let reason):
            "cannot decode \(type): \(reason)"
        }
    }
}

extension DecodingError {
    /// The coding path as `a.b[2].c` and what is wrong there.
    public var fieldDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var result = ""
            for key in codingPath {
                if let index = key.intValue {
                    result += "[\(index)]"
                } else {
                    result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return result
        }
        switch self {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "\(field): is required"
        case .valueNotFound(_, let context):
            return located(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return located(path(context.codingPath), "expected \(DecodingError.describe(type))")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            guard field.isEmpty else { return "\(field): \(context.debugDescription)" }
            return context.underlyingError.flatMap { $0 as? JSONSyntaxError }.map { "malformed JSON: \($0)" } ?? "malformed JSON"
        @unknown default:
            return "cannot decode"
        }
    }

    /// `field: problem`, or just the problem when it concerns the whole document.
    private func located(_ field: String, _ problem: String) -> String {
        field.isEmpty ? "the document: \(problem)" : "\(field): \(problem)"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        case is UUID.Type: "a UUID string"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
