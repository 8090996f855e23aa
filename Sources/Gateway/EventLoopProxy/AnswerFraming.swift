import HTTPTypes
import NIOCore
import NIOHTTP1

/// How a proxied answer's body is delimited for its client, decided once from the answer's
/// head: what NIO's response encoder would decide, and HTTP/1.0 clients, which cannot read
/// chunks, get a body the connection's close ends.
enum AnswerFraming: Equatable {
    /// No body: the answer to a `HEAD`, or a status that has none (204, 304).
    case none
    /// The body as it comes: its `Content-Length` says where it ends, or (an HTTP/1.0 client
    /// and no length) the connection's close does.
    case raw
    /// In chunks (`Transfer-Encoding: chunked`): an HTTP/1.1 client, a body of unknown length.
    case chunked

    /// The framing of an answer with `status` and `headers` to `request`, with the framing
    /// fields set in `headers` to match; `closes`: only the connection's close can end the body.
    static func decide(
        status: HTTPResponseStatus, headers: inout some EdgeHeaderFields, answering request: HTTPRequestHead
    ) -> (framing: AnswerFraming, closes: Bool) {
        guard status.mayHaveResponseBody else {
            headers.remove(.contentLength)
            headers.remove(.transferEncoding)
            return (.none, false)
        }
        let hasLength = headers.first(.contentLength) != nil
        let readsChunks = request.version.major > 1 || (request.version.major == 1 && request.version.minor >= 1)
        if !hasLength, readsChunks {
            headers.set(.transferEncoding, to: "chunked")  // to a HEAD too: what its GET would get
        }
        if request.method == .HEAD {
            return (.none, false)
        }
        if hasLength {
            return (.raw, false)
        }
        return readsChunks ? (.chunked, false) : (.raw, true)
    }

    /// What ends the body in this framing (empty unless chunked).
    var end: ByteBuffer {
        self == .chunked ? Self.lastChunk : ByteBuffer()
    }

    static let chunkEnd = ByteBuffer(string: "\r\n")
    private static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
}
