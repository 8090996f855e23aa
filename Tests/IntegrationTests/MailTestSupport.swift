import AsyncHTTPClient
import NIOCore
import Foundation
import Logging
import Mail

/// Why a mail integration test cannot run.
struct MailTestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Reads the mail settings the integration tests need from the environment.
enum MailTestEnvironment {
    /// `SMTP_URL` and `MAILHOG_URL`, or a failure telling how to provide them (never a silent skip).
    static func urls() throws -> (smtp: String, mailhog: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let smtp = environment["SMTP_URL"], !smtp.isEmpty else {
            throw MailTestSetupError(description: "SMTP_URL is not set: run scripts/test (it starts the mail catcher and exports SMTP_URL and MAILHOG_URL)")
        }
        guard let mailhog = environment["MAILHOG_URL"], !mailhog.isEmpty else {
            throw MailTestSetupError(description: "MAILHOG_URL is not set: run scripts/test (the tests read sent mail back through the MailHog API)")
        }
        return (smtp, mailhog.hasSuffix("/") ? String(mailhog.dropLast()) : mailhog)
    }
}

/// Runs `body` with a mailer that logs errors only.
@discardableResult
func withMailer<Result>(_ configuration: SMTPConfiguration, _ body: (SMTPMailer) async throws -> Result) async throws -> Result {
    var logger = Logger(label: "test.mail")
    logger.logLevel = .error
    return try await body(try SMTPMailer(configuration: configuration, logger: logger))
}

/// The subset of MailHog's v2 API the tests read: `GET /api/v2/search`.
struct MailHogMessages: Decodable {
    struct Item: Decodable {
        struct Content: Decodable {
            let headers: [String: [String]]
            enum CodingKeys: String, CodingKey { case headers = "Headers" }
        }

        /// The SMTP envelope and the message exactly as received.
        struct Raw: Decodable {
            let from: String
            let to: [String]
            let data: String
            enum CodingKeys: String, CodingKey { case from = "From", to = "To", data = "Data" }
        }

        let id: String
        let content: Content
        let raw: Raw
        enum CodingKeys: String, CodingKey { case id = "ID", content = "Content", raw = "Raw" }

        /// The values of a header, matching the name case-insensitively.
        func header(_ name: String) -> [String] {
            content.headers.first { $0.key.lowercased() == name.lowercased() }?.value ?? []
        }
    }

    let total: Int
    let items: [Item]

    /// Polls the API until a message with this `Message-ID` arrives (or `timeout` passes). It
    /// searches for the id rather than listing: a list is one page of the newest 50, and the
    /// other suites' emails can push a message off it while this waits.
    static func waitForMessage(id messageID: String, at baseURL: String, timeout: Duration = .seconds(10)) async throws -> Item {
        let deadline = ContinuousClock.now + timeout
        let query = messageID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? messageID
        while true {
            let request = HTTPClientRequest(url: "\(baseURL)/api/v2/search?kind=containing&query=\(query)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                throw MailTestSetupError(description: "GET \(baseURL)/api/v2/search answered \(response.status)")
            }
            let body = try await response.body.collect(upTo: 64 << 20)
            let messages = try JSONDecoder().decode(MailHogMessages.self, from: Data(body.readableBytesView))
            if let item = messages.items.first(where: { $0.header("Message-ID").contains(messageID) }) {
                return item
            }
            guard ContinuousClock.now < deadline else {
                throw MailTestSetupError(description: "no message with Message-ID \(messageID) reached \(baseURL) in \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// A raw RFC 5322 message split into headers and MIME parts, decoded the way a mail reader would.
struct ReceivedMail {
    struct Part {
        let headers: [String: String]
        let body: String
    }

    let headers: [String: String]
    let parts: [Part]

    init(raw: String) throws {
        let (headers, body) = try Self.split(raw)
        self.headers = headers
        let contentType = headers["content-type"] ?? "text/plain"
        guard contentType.lowercased().hasPrefix("multipart/") else {
            parts = [Part(headers: headers, body: body)]
            return
        }
        guard let boundaryRange = contentType.range(of: "boundary=") else {
            throw MailTestSetupError(description: "multipart message without a boundary: \(contentType)")
        }
        let boundary = contentType[boundaryRange.upperBound...]
            .prefix { $0 != ";" }
            .trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        var parts: [Part] = []
        for chunk in body.components(separatedBy: "--\(boundary)").dropFirst() {
            if chunk.hasPrefix("--") { break }
            let (partHeaders, partBody) = try Self.split(String(chunk.drop { $0 == "\r\n" || $0 == "\n" }))
            let encoding = partHeaders["content-transfer-encoding"]?.lowercased()
            let decoded = encoding == "quoted-printable" ? Self.quotedPrintableDecoded(partBody) : partBody
            // The CRLF before the next boundary belongs to the boundary ("\r\n" is one Character).
            parts.append(Part(headers: partHeaders, body: decoded.hasSuffix("\r\n") ? String(decoded.dropLast()) : decoded))
        }
        self.parts = parts
    }

    /// The part whose content type starts with `type`, if any.
    func part(_ type: String) -> Part? {
        parts.first { $0.headers["content-type"]?.lowercased().hasPrefix(type) == true }
    }

    private static func split(_ text: String) throws -> ([String: String], String) {
        guard let end = text.range(of: "\r\n\r\n") else {
            throw MailTestSetupError(description: "no blank line between headers and body")
        }
        let unfolded = text[..<end.lowerBound].replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        var headers: [String: String] = [:]
        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (headers, String(text[end.upperBound...]))
    }

    /// Decodes quoted-printable (RFC 2045): `=XX` escapes and `=` soft line breaks.
    static func quotedPrintableDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count {
                if input[index + 1] == 0x0D, input[index + 2] == 0x0A {
                    index += 3  // soft line break
                    continue
                }
                if let value = UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    index += 3
                    continue
                }
            }
            bytes.append(input[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a header made of RFC 2047 `=?UTF-8?B?...?=` / `?Q?` words and plain text.
    static func decodedHeader(_ value: String) -> String {
        var output = ""
        var previousWasEncoded = false
        for token in value.split(whereSeparator: \.isWhitespace) {
            let parts = token.split(separator: "?", omittingEmptySubsequences: false)
            if token.hasPrefix("=?"), token.hasSuffix("?="), parts.count == 5 {
                let payload = String(parts[3])
                var decoded = ""
                if parts[2].uppercased() == "B", let data = Data(base64Encoded: payload) {
                    decoded = String(decoding: data, as: UTF8.self)
                } else {
                    decoded = quotedPrintableDecoded(payload.replacingOccurrences(of: "_", with: " "))
                }
                // Whitespace between adjacent encoded-words is not part of the text (RFC 2047 §6.2).
                if !output.isEmpty && !previousWasEncoded { output += " " }
                output += decoded
                previousWasEncoded = true
            } else {
                if !output.isEmpty { output += " " }
                output += token
                previousWasEncoded = false
            }
        }
        return output
    }
}
