#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1

/// The HTTP/1.1 answers of one upstream connection, read from its bytes as they arrive: a
/// head, its body in pieces, an end, for each request sent (``expectAnswer(toHEAD:)``).
///
/// Strict, as an edge proxy's reading of its upstreams must be: whatever could be read two
/// ways (a body both chunked and of a length, lengths that differ, folded fields, a transfer
/// coding other than `chunked`, a bare CR) is refused (``UpstreamResponseInvalid``, a `502`),
/// never guessed at. Heads and chunk lines have size limits; body bytes pass through as slices
/// of the buffers read, never copied.
///
/// It replaces NIO's response decoder on this path (llhttp behind a `ByteToMessageHandler`):
/// that made two `String`s of every field, an `HTTPHeaders` array, and an unspecialised generic
/// decode loop, ~15k instructions of the ~93k a proxied request cost. Requests from clients
/// are still read by NIO's parser.
struct UpstreamResponseParser {
    /// What the bytes read so far say.
    enum Event {
        /// The answer's head (informational `1xx` heads are skipped).
        case head(UpstreamResponseHead)
        /// Bytes of the answer's body, chunk framing removed.
        case body(ByteBuffer)
        /// The answer is complete.
        case end
    }

    /// The largest head (status line and fields) read, as NIO's llhttp allows: 80 KiB.
    static let headLimit = 80 * 1024
    /// The largest chunk-size line (with its extensions) read.
    static let chunkLineLimit = 4 * 1024

    enum State: Equatable {
        /// No request outstanding: any byte is unexpected.
        case idle
        /// Awaiting a head; the request was a `HEAD` (its answer has no body).
        case head(answeringHEAD: Bool)
        /// In a body of known length, `remaining` bytes to go.
        case sized(remaining: Int)
        /// Awaiting a chunk-size line.
        case chunkSize
        /// In a chunk's data, `remaining` bytes to go.
        case chunkData(remaining: Int)
        /// Awaiting the line end after a chunk's data.
        case chunkDataEnd
        /// After the last chunk: trailer fields (dropped) until an empty line.
        case trailers(bytesRead: Int)
        /// In a body the connection's close ends.
        case untilClose
        /// The answer is read; its end is yet to be told.
        case complete
    }

    /// Where in an answer the parser is (set by its extensions too).
    var state = State.idle
    /// Bytes read and not yet parsed (the parser's own: internal only for its extensions).
    var input = ByteBuffer()
    /// How far into `input` a head's end was searched for without finding it (the parser's own).
    var searchedBytes = 0

    /// A request whose answer comes next has been sent (`HEAD` answers have no body).
    mutating func expectAnswer(toHEAD: Bool) {
        state = .head(answeringHEAD: toHEAD)
    }

    /// Bytes the connection read.
    mutating func append(_ bytes: ByteBuffer) {
        if input.readableBytes == 0 {
            input = bytes
        } else {
            var bytes = bytes
            input.writeBuffer(&bytes)
        }
    }

    /// Whether the connection's close would end the answer being read (a body of no stated
    /// length): then the close is its ``Event/end``, not a failure.
    var endsAtClose: Bool {
        state == .untilClose
    }

    /// The next thing the bytes read say, or `nil` when more bytes are needed.
    mutating func next() throws(UpstreamResponseInvalid) -> Event? {
        switch state {
        case .idle:
            guard input.readableBytes == 0 else { throw UpstreamResponseInvalid("bytes came with no request outstanding") }
            return nil
        case .head(let answeringHEAD):
            return try nextHead(answeringHEAD: answeringHEAD)
        case .sized(let remaining):
            guard let chunk = bodyBytes(upTo: remaining) else { return nil }
            state = chunk.readableBytes == remaining ? .complete : .sized(remaining: remaining - chunk.readableBytes)
            return .body(chunk)
        case .chunkData(let remaining):
            guard let chunk = bodyBytes(upTo: remaining) else { return nil }
            state = chunk.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - chunk.readableBytes)
            return .body(chunk)
        case .untilClose:
            guard let chunk = bodyBytes(upTo: input.readableBytes) else { return nil }
            return .body(chunk)
        case .chunkSize:
            guard let line = try nextLine(limit: Self.chunkLineLimit, what: "chunk-size line") else { return nil }
            let size = try Self.chunkSize(of: line)
            state = size == 0 ? .trailers(bytesRead: 0) : .chunkData(remaining: size)
            return try next()
        case .chunkDataEnd:
            guard let line = try nextLine(limit: 2, what: "chunk's end") else { return nil }
            guard line.readableBytes == 0 else { throw UpstreamResponseInvalid("a chunk is longer than its size") }
            state = .chunkSize
            return try next()
        case .trailers(let bytesRead):
            let limit = Self.headLimit - bytesRead
            guard let line = try nextLine(limit: limit, what: "trailer section") else { return nil }
            state = line.readableBytes == 0 ? .complete : .trailers(bytesRead: bytesRead + line.readableBytes + 2)
            return try next()
        case .complete:
            state = .idle
            return .end
        }
    }

    /// At the connection's close: the end of an answer the close ends, or `nil`.
    mutating func finish() -> Event? {
        guard endsAtClose else { return nil }
        state = .idle
        return .end
    }

    /// Up to `limit` bytes of body, or `nil` when none have been read.
    private mutating func bodyBytes(upTo limit: Int) -> ByteBuffer? {
        let count = min(limit, input.readableBytes)
        guard count > 0 else { return nil }
        return input.readSlice(length: count)
    }

    /// The next line's bytes without its end (`\r\n`, or a bare `\n`, RFC 9112 §2.2), or `nil`
    /// when its end is not read yet. A line longer than `limit` is refused.
    private mutating func nextLine(limit: Int, what: String) throws(UpstreamResponseInvalid) -> ByteBuffer? {
        let newline = input.withUnsafeReadableBytes { raw in Self.index(of: UInt8(ascii: "\n"), in: raw) }
        guard let newline else {
            guard input.readableBytes <= limit else { throw UpstreamResponseInvalid("the \(what) is over \(limit) bytes") }
            return nil
        }
        guard newline <= limit else { throw UpstreamResponseInvalid("the \(what) is over \(limit) bytes") }
        var line = input.readSlice(length: newline)!
        input.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }

    /// The index of the first `byte` in `bytes` from `start` on (`memchr`: a byte-at-a-time
    /// search through `Collection.firstIndex` cost ~2k instructions per answer).
    static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress, let found = memchr(base + start, Int32(byte), bytes.count - start) else {
            return nil
        }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// A chunk-size line's size: hex digits, then nothing or (after optional whitespace) `;`
    /// extensions, which are ignored.
    static func chunkSize(of line: ByteBuffer) throws(UpstreamResponseInvalid) -> Int {
        let bytes = line.readableBytesView
        var size = 0
        var index = bytes.startIndex
        while index < bytes.endIndex, let value = hexValue(bytes[index]) {
            guard index - bytes.startIndex < 15 else { throw UpstreamResponseInvalid("a chunk's size is too large") }
            size = size << 4 | value
            index += 1
        }
        guard index > bytes.startIndex else { throw UpstreamResponseInvalid("a chunk-size line has no size") }
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index += 1
        }
        guard index == bytes.endIndex || bytes[index] == UInt8(ascii: ";") else {
            throw UpstreamResponseInvalid("a chunk-size line has a byte that is not a hex digit")
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}

/// The upstream's answer is not HTTP/1.1 the gateway can relay safely.
struct UpstreamResponseInvalid: Error, CustomStringConvertible, Equatable {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var description: String { "the upstream's answer is invalid: \(reason)" }
}
