import AsyncHTTPClient
import Foundation
import NIOCore

/// A client of RabbitMQ's management HTTP API (`RABBITMQ_MANAGEMENT_URL`): queue statistics,
/// policies and the broker's version, for one virtual host. Read-only, except for nothing:
/// shopctl changes queues only over AMQP.
struct ManagementAPI: Sendable {
    /// The API's root without credentials, e.g. `http://127.0.0.1:15672`.
    let baseURL: String
    /// The virtual host of `AMQP_URL`, whose queues are looked up.
    let virtualHost: String
    /// How long one request may take.
    let timeout: TimeAmount
    private let authorization: String
    private let client: HTTPClient

    /// A client of the API at `baseURL` (credentials in it are used, then removed),
    /// logging in as `username` unless the URL names a user.
    init(
        url: String, username: String, password: String, virtualHost: String,
        timeout: TimeAmount = .seconds(5), client: HTTPClient
    ) throws(ShopctlError) {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            throw .failure("RABBITMQ_MANAGEMENT_URL is not an http(s) URL: '\(Self.redacted(url))'")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? username
        let secret = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? password
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        var base = components.string ?? url
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.virtualHost = virtualHost
        self.timeout = timeout
        self.authorization = "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
        self.client = client
    }

    /// `GET /api/queues/<vhost>/<name>`: the queue's counts, rates, arguments and policy,
    /// or nil if it does not exist (RabbitMQ's own 404 answer; any other 404 is an error, since
    /// some networks answer 404 for hosts they cannot reach).
    func queue(_ name: String) async throws(ManagementAPIError) -> ManagementQueue? {
        let response = try await get("/api/queues/\(Self.segment(virtualHost))/\(Self.segment(name))")
        if response.status == 404, String(buffer: response.body).contains("Object Not Found") { return nil }
        return try response.decode(ManagementQueue.self)
    }

    /// `GET /api/overview`: the broker's version, among others. Also what shows that the URL
    /// is RabbitMQ's management API and the credentials work.
    func overview() async throws(ManagementAPIError) -> ManagementOverview {
        try await get("/api/overview").decode(ManagementOverview.self)
    }

    /// `GET /api/policies/<vhost>`: the policies an administrator set.
    func policies() async throws(ManagementAPIError) -> [ManagementPolicy] {
        try await get("/api/policies/\(Self.segment(virtualHost))").decode([ManagementPolicy].self)
    }

    /// `GET /api/operator-policies/<vhost>`: the operator policies, which cap the others.
    func operatorPolicies() async throws(ManagementAPIError) -> [ManagementPolicy] {
        try await get("/api/operator-policies/\(Self.segment(virtualHost))").decode([ManagementPolicy].self)
    }

    // MARK: HTTP

    /// An answer of the API: its status and body.
    private struct Response {
        var url: String
        var status: UInt
        var body: ByteBuffer

        /// The body as `Document`.
        /// - Throws: ``ManagementAPIError/status(url:code:reason:)`` unless the status is 2xx.
        func decode<Document: Decodable>(_ type: Document.Type) throws(ManagementAPIError) -> Document {
            guard (200..<300).contains(status) else {
                let reason = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
                throw .status(url: url, code: Int(status), reason: String(reason.prefix(300)))
            }
            do {
                return try JSONDecoder().decode(Document.self, from: Data(body.readableBytesView))
            } catch {
                throw .invalidResponse(url: url, reason: "\(error)")
            }
        }
    }

    private func get(_ path: String) async throws(ManagementAPIError) -> Response {
        let url = baseURL + path
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 32 << 20)
            return Response(url: url, status: response.status.code, body: body)
        } catch {
            throw .unreachable(url: url, reason: String(describing: error))
        }
    }

    /// One path segment, percent-encoded (the default vhost `/` is `%2F`).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `url` with any password replaced, for error messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(unparsable URL)"
    }
}

/// Why a management API request failed.
enum ManagementAPIError: Error, Sendable, CustomStringConvertible {
    /// No HTTP answer: connection refused, timeout, DNS...
    case unreachable(url: String, reason: String)
    /// An HTTP error status (401: the credentials were refused).
    case status(url: String, code: Int, reason: String)
    /// An answer that is not the expected JSON.
    case invalidResponse(url: String, reason: String)

    var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "the RabbitMQ management API is unreachable at \(url): \(reason)"
        case .status(let url, 401, _):
            "the RabbitMQ management API refused the credentials (HTTP 401) at \(url)"
        case .status(let url, let code, let reason):
            "the RabbitMQ management API answered HTTP \(code) at \(url)"
                + (reason.isEmpty ? " (is RABBITMQ_MANAGEMENT_URL right?)" : ": \(reason)")
        case .invalidResponse(let url, let reason):
            "unexpected answer from the RabbitMQ management API at \(url): \(reason)"
        }
    }
}
