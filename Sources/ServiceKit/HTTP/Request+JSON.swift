import Contracts
import Foundation
import Hummingbird

extension Request {
    /// Decodes the JSON body as `type`, or throws a `problem+json` error saying what is wrong:
    /// `415` for another content type, `413` past the context's upload limit, `400` for
    /// malformed JSON, a missing or mistyped field, or a field the type does not know (each
    /// named).
    public func decodeJSON<T: Codable>(_ type: T.Type, context: some RequestContext) async throws -> T {
        if let contentType = headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw HTTPProblem(.unsupportedMediaType, detail: "Send the body as application/json, not \(contentType).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw HTTPProblem(.contentTooLarge, detail: "The body is larger than \(context.maxUploadSize) bytes.")
        }
        guard buffer.readableBytes > 0 else {
            throw HTTPProblem.badRequest("The request needs a JSON body.")
        }
        return try ShopJSON.decodeRequestBody(T.self, from: Array(buffer.readableBytesView))
    }
}

extension ShopJSON {
    /// Decodes a request body as `type`, or throws the `400` problem that names what is wrong,
    /// a field the type does not know included (each named with its path).
    ///
    /// With ``MessageJSONDecoder`` rather than Foundation's `JSONDecoder`: the same results,
    /// but a number that does not fit its field (`"quantity": 2.5`, `1e30`) or a bad date is
    /// reported at its field, where Foundation's error would say the body is not JSON at all.
    public static func decodeRequestBody<T: Codable>(_ type: T.Type, from bytes: [UInt8]) throws(HTTPProblem) -> T {
        let decoded: (value: T, unknownMembers: [String])
        do {
            decoded = try MessageJSONDecoder().decodeNamingUnknownMembers(T.self, from: bytes, encoder: ShopJSON.encoder)
        } catch let error as DecodingError {
            throw HTTPProblem.decoding(error)
        } catch {
            throw HTTPProblem.badRequest("The body cannot be decoded: \(error)")  // not reached: the decoder throws DecodingError
        }
        guard decoded.unknownMembers.isEmpty else {
            throw HTTPProblem.validation(decoded.unknownMembers.map { ProblemDetails.FieldError(field: $0, message: "is not a known field") })
        }
        return decoded.value
    }
}

extension HTTPProblem {
    /// `400` for a body that does not decode, naming the field at fault.
    public static func decoding(_ error: DecodingError) -> HTTPProblem {
        let description = error.fieldDescription
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            if let syntax = context.underlyingError as? JSONSyntaxError {
                return .badRequest("The body is not valid JSON: \(syntax).")
            }
            return .badRequest("The body is not valid JSON.")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .badRequest("The body must be a JSON object.")
        default:
            break
        }
        let parts = description.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let field = parts.first ?? ""
        let message = parts.count > 1 ? parts[1] : description
        return .validation([ProblemDetails.FieldError(field: field, message: message)])
    }
}
