import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small JSON-over-HTTP client for tests that talk to the stack through the gateway.
public struct APIClient: Sendable {
    /// One answer: status, headers and body, with helpers to decode it.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data

        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try APIClient.decoder.decode(T.self, from: body)
            } catch {
                throw DecodingFailure(status: status, body: String(decoding: body, as: UTF8.self), error: "\(error)")
            }
        }

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
        public var contentType: String { headers.first(name: "content-type") ?? "" }
    }

    public struct DecodingFailure: Error, CustomStringConvertible {
        public var status: Int
        public var body: String
        public var error: String
        public var description: String { "cannot decode the \(status) answer \(body): \(error)" }
    }

    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Sends `method path` with an optional JSON body (an `Encodable`) or raw bytes.
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        json: (any Encodable & Sendable)? = nil,
        rawBody: String? = nil,
        token: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try Self.encoder.encode(json)))
        } else if let rawBody {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        for (name, value) in extra {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
    }

    /// Polls `probe` every `interval` until it returns a value or `timeout` passes.
    public static func eventually<T: Sendable>(
        timeout: Duration,
        interval: Duration = .milliseconds(100),
        _ probe: () async throws -> T?
    ) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await probe() {
                return value
            }
            try await Task.sleep(for: interval)
        }
        return try await probe()
    }
}
