import Contracts
import Foundation
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457) with its status, a title and a
/// detail saying what is wrong; validation errors list each bad field.
public struct HTTPProblem: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var detail: String
    public var errors: [ProblemDetails.FieldError]?
    /// Extra response headers, such as `Retry-After`.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, detail: String, errors: [ProblemDetails.FieldError]? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(detail)" }

    /// The problem document this error answers with.
    public func problem(instance: String?) -> ProblemDetails {
        ProblemDetails(
            type: Self.typeURI(for: status),
            title: status.reasonPhrase,
            status: status.code,
            detail: detail,
            instance: instance,
            errors: errors
        )
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(for: problem(instance: request.uri.path), status: status, headers: headers)
    }

    /// A `problem+json` response for `problem`.
    public static func response(for problem: ProblemDetails, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body(of: problem)))
    }

    /// `problem` as the JSON body of a `problem+json` answer.
    public static func body(of problem: ProblemDetails) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data(#"{"title":"Internal Server Error","status":500}"#.utf8)
        return ByteBuffer(bytes: body)
    }

    static func typeURI(for status: HTTPResponse.Status) -> String {
        let slug = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
        return "https://shop.example/problems/\(slug)"
    }
}

extension HTTPProblem {
    /// `400`: the request is malformed or fails validation.
    public static func badRequest(_ detail: String, errors: [ProblemDetails.FieldError]? = nil) -> HTTPProblem {
        HTTPProblem(.badRequest, detail: detail, errors: errors)
    }

    /// `400` for invalid fields, one entry per field.
    public static func validation(_ errors: [ProblemDetails.FieldError]) -> HTTPProblem {
        let fields = errors.map(\.field).joined(separator: ", ")
        return HTTPProblem(.badRequest, detail: "The request has invalid fields: \(fields).", errors: errors)
    }

    /// `401`: no valid credentials.
    public static func unauthorized(_ detail: String) -> HTTPProblem {
        HTTPProblem(.unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// `403`: authenticated, but not allowed.
    public static func forbidden(_ detail: String) -> HTTPProblem {
        HTTPProblem(.forbidden, detail: detail)
    }

    /// `404`: no such resource (or not the caller's, when existence must not leak).
    public static func notFound(_ detail: String) -> HTTPProblem {
        HTTPProblem(.notFound, detail: detail)
    }

    /// `409`: conflicts with the current state.
    public static func conflict(_ detail: String) -> HTTPProblem {
        HTTPProblem(.conflict, detail: detail)
    }

    /// `422`: well-formed, but cannot be processed in this state.
    public static func unprocessable(_ detail: String, errors: [ProblemDetails.FieldError]? = nil) -> HTTPProblem {
        HTTPProblem(.unprocessableContent, detail: detail, errors: errors)
    }

    /// `503`: a dependency is down; try again later.
    public static func unavailable(_ detail: String, retryAfterSeconds: Int = 5) -> HTTPProblem {
        HTTPProblem(.serviceUnavailable, detail: detail, headers: [.retryAfter: "\(retryAfterSeconds)"])
    }
}
