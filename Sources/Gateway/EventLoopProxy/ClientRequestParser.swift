import NIOCore
import NIOHTTP1

/// The requests of one client connection: ``HTTP1Parser`` reading request heads. It replaces
/// NIO's request decoder for the same reasons as on the upstreams' side. Like llhttp it refuses
/// a request that could be read two ways, which is how requests are smuggled past a proxy to
/// the service behind it; unlike llhttp it takes any token as a method (RFC 9110 §9.1), not
/// only those it has a table of.
typealias ClientRequestParser = HTTP1Parser<RequestHeadReader>

extension HTTP1Parser where Reader == RequestHeadReader {
    init() {
        self.init(reader: RequestHeadReader())
    }
}

/// Reads a client's request heads: the request line, the fields, and how the body ends
/// (RFC 9112 §6.3): chunks or a length, none without either. Refused: `Transfer-Encoding`
/// with `Content-Length`, lengths that differ, a transfer coding other than `chunked` alone,
/// `Transfer-Encoding` in an HTTP/1.0 request (§6.1), and any version but 1.0 and 1.1.
struct RequestHeadReader: HTTP1HeadReader {
    static var awaitsNextHead: Bool { true }

    func head(of bytes: ByteBuffer) throws(HTTP1MessageInvalid) -> (HTTPRequestHead, HTTP1BodyLength)? {
        try HTTP1Syntax.reading(bytes, head)
    }

    private func head(of bytes: UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) -> (HTTPRequestHead, HTTP1BodyLength)? {
        var lines = HeadLines(bytes: bytes)
        let (method, target, version) = try Self.requestLine(UnsafeRawBufferPointer(rebasing: bytes[lines.next()!]))
        let (fields, framing) = try HTTP1Syntax.fields(&lines, in: bytes)
        let body: HTTP1BodyLength
        if framing.isChunked {
            guard framing.contentLength == nil else { throw HTTP1MessageInvalid("it has both Transfer-Encoding and Content-Length") }
            guard version == .http1_1 else { throw HTTP1MessageInvalid("an HTTP/1.0 request has Transfer-Encoding") }
            body = .chunked
        } else {
            body = framing.contentLength.map { .sized($0) } ?? .none
        }
        return (HTTPRequestHead(version: version, method: method, uri: target, headers: HTTPHeaders(fields)), body)
    }

    /// `method SP request-target SP HTTP/1.x`: the method (a token), the target (no spaces
    /// or control characters) and the version.
    static func requestLine(_ line: UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) -> (HTTPMethod, String, HTTPVersion) {
        guard let methodEnd = HTTP1Syntax.index(of: UInt8(ascii: " "), in: line), methodEnd > 0,
            HTTP1Syntax.isToken(UnsafeRawBufferPointer(rebasing: line[..<methodEnd]))
        else {
            throw HTTP1MessageInvalid("its request line has no method")
        }
        let targetStart = methodEnd + 1
        guard let targetEnd = HTTP1Syntax.index(of: UInt8(ascii: " "), in: line, from: targetStart), targetEnd > targetStart,
            !HTTP1Syntax.containsControl(UnsafeRawBufferPointer(rebasing: line[targetStart..<targetEnd]))
        else {
            throw HTTP1MessageInvalid("its request line has no target")
        }
        let version = UnsafeRawBufferPointer(rebasing: line[(targetEnd + 1)...])
        guard version.count == 8, let minorVersion = HTTP1Syntax.http1MinorVersion(at: version) else {
            throw HTTP1MessageInvalid("its version is not HTTP/1.0 or HTTP/1.1")
        }
        let method = HTTPMethod(rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: line[..<methodEnd]), as: UTF8.self))
        let target = String(decoding: UnsafeRawBufferPointer(rebasing: line[targetStart..<targetEnd]), as: UTF8.self)
        return (method, target, HTTPVersion(major: 1, minor: minorVersion))
    }
}
