import NIOCore
import NIOHTTP1

/// The answers of one upstream connection: ``HTTP1Parser`` reading answer heads.
typealias UpstreamResponseParser = HTTP1Parser<ResponseHeadReader>

extension HTTP1Parser where Reader == ResponseHeadReader {
    init() {
        self.init(reader: ResponseHeadReader())
    }

    /// A request whose answer comes next has been sent (`HEAD` answers have no body).
    mutating func expectAnswer(toHEAD: Bool) {
        reader.answeringHEAD = toHEAD
        expectHead()
    }
}

/// The head of an upstream's answer, as ``UpstreamResponseParser`` reads it.
struct UpstreamResponseHead {
    var status: HTTPResponseStatus
    /// The fields in order, names and values as sent (kept as the head's bytes).
    var fields: RelayedHeaderFields
    /// Whether the connection can carry another request after this answer.
    var keepAlive: Bool
    /// Whether its `Connection` fields name other fields (hop by hop: not relayed).
    var connectionNamesFields: Bool
}

/// Reads an upstream's answer heads: the status line, the fields, and how the body ends
/// (RFC 9112 §6.3): none for a `HEAD`, 204 or 304; else chunks, a length, or the close.
/// Informational answers (`1xx`, 103 Early Hints...) are skipped; a `101` is refused, as the
/// gateway never asks to switch protocols, and so is an answer both chunked and of a length.
struct ResponseHeadReader: HTTP1HeadReader {
    static var awaitsNextHead: Bool { false }
    /// Whether the answer being read is to a `HEAD` (no body, whatever its head says).
    var answeringHEAD = false

    func head(of head: ByteBuffer) throws(HTTP1MessageInvalid) -> (UpstreamResponseHead, HTTP1BodyLength)? {
        try HTTP1Syntax.reading(head) { bytes throws(HTTP1MessageInvalid) in try self.head(of: bytes, in: head) }
    }

    /// The head in `bytes`, the readable bytes of `head`.
    private func head(of bytes: UnsafeRawBufferPointer, in head: ByteBuffer) throws(HTTP1MessageInvalid) -> (UpstreamResponseHead, HTTP1BodyLength)? {
        var lines = HeadLines(bytes: bytes)
        let (status, minorVersion) = try Self.statusLine(UnsafeRawBufferPointer(rebasing: bytes[lines.next()!]))
        var spans: [RelayedHeaderFields.Span] = []
        spans.reserveCapacity(16)
        let framing = try HTTP1Syntax.forEachField(&lines, in: bytes) { name, value in
            spans.append(RelayedHeaderFields.Span(name: name, value: value, in: bytes))
        }
        switch status.code {
        case 101: throw HTTP1MessageInvalid("it switches protocols (101), which the gateway never asks for")
        case 100..<200: return nil
        default: break
        }
        if framing.isChunked, framing.contentLength != nil {
            throw HTTP1MessageInvalid("it has both Transfer-Encoding and Content-Length")
        }
        var body: HTTP1BodyLength =
            if framing.isChunked { .chunked } else if let length = framing.contentLength { .sized(length) } else { .untilClose }
        if answeringHEAD || status == .noContent || status == .notModified {
            body = .none
        }
        let keepAlive = body != .untilClose && !framing.close && (minorVersion == 1 || framing.keepAlive)
        let answer = UpstreamResponseHead(
            status: status, fields: RelayedHeaderFields(received: head, spans: spans), keepAlive: keepAlive,
            connectionNamesFields: framing.connectionNamesFields
        )
        return (answer, body)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`: the status (with the reason phrase only for a code NIO
    /// does not know) and the minor version.
    static func statusLine(_ line: UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) -> (HTTPResponseStatus, Int) {
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard line.count >= 12, let minorVersion = HTTP1Syntax.http1MinorVersion(at: line), line[8] == UInt8(ascii: " "), digit.contains(line[9]), digit.contains(line[10]), digit.contains(line[11]),
            line.count == 12 || line[12] == UInt8(ascii: " ")
        else {
            throw HTTP1MessageInvalid("its status line is not HTTP/1.0 or HTTP/1.1 with a three-digit status")
        }
        let code = line[9...11].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (100..<600).contains(code) else { throw HTTP1MessageInvalid("its status \(code) is not in 100-599") }
        let reason = line.count > 13 ? UnsafeRawBufferPointer(rebasing: line[13...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        guard !HTTP1Syntax.containsControl(reason) else { throw HTTP1MessageInvalid("its reason phrase has a control character") }
        var status = HTTPResponseStatus(statusCode: code)
        if case .custom = status {
            status = HTTPResponseStatus(statusCode: code, reasonPhrase: String(decoding: reason, as: UTF8.self))
        }
        return (status, minorVersion)
    }
}
