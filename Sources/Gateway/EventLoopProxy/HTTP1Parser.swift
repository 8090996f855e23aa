import NIOCore

/// How one side's heads are read: an upstream's answers (``ResponseHeadReader``) or a client's
/// requests (``RequestHeadReader``). ``HTTP1Parser`` does the rest, the same for both.
protocol HTTP1HeadReader {
    associatedtype Head
    /// Whether the next head is awaited as soon as a message ends (a client's next request);
    /// else no bytes may come until ``HTTP1Parser`` is told to expect one (an answer).
    static var awaitsNextHead: Bool { get }
    /// A whole head's bytes, up to and with the empty line that ends it (a slice of the buffer
    /// read): the head and how its body ends, or `nil` for a head to skip (an informational answer).
    func head(of bytes: ByteBuffer) throws(HTTP1MessageInvalid) -> (Head, HTTP1BodyLength)?
}

/// How a message's body ends, from its head (RFC 9112 §6.3).
enum HTTP1BodyLength: Equatable {
    case none
    case sized(Int)
    case chunked
    /// The connection's close ends it (an answer of no stated length).
    case untilClose
}

/// The HTTP/1.1 messages of one connection, read from its bytes as they arrive: a head, its
/// body in pieces, an end, for each message; heads read by a ``HTTP1HeadReader``.
///
/// Strict, as an edge proxy's reading must be: whatever could be read two ways (a body both
/// chunked and of a length, lengths that differ, folded fields, a transfer coding other than
/// `chunked`, a bare CR) is refused (``HTTP1MessageInvalid``), never guessed at. Heads and
/// chunk lines have size limits; body bytes pass through as slices of the buffers read, never
/// copied.
///
/// It replaces NIO's HTTP/1 decoders (llhttp behind a `ByteToMessageHandler`): those made two
/// `String`s and an `HTTPHeaders` tuple of every field, wrapped each part in a `NIOAny`, and
/// ran an unspecialised generic decode loop: ~15k instructions of the ~93k a proxied request
/// cost for its answer, ~8k for the request (a third of that here).
struct HTTP1Parser<Reader: HTTP1HeadReader> {
    /// What the bytes read so far say.
    enum Event {
        /// A message's head.
        case head(Reader.Head)
        /// Bytes of its body, chunk framing removed.
        case body(ByteBuffer)
        /// The message is complete.
        case end
    }

    /// The largest head (start line and fields) read, as NIO's llhttp allows: 80 KiB.
    static var headLimit: Int { 80 * 1024 }
    /// The largest chunk-size line (with its extensions) read.
    static var chunkLineLimit: Int { 4 * 1024 }

    enum State: Equatable {
        /// No message expected: any byte is unexpected.
        case idle
        /// Awaiting a head.
        case head
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
        /// The message is read; its end is yet to be told.
        case complete
    }

    /// Reads the heads (and holds what they need to know, such as the request an answer is to).
    var reader: Reader
    private var state: State
    /// Bytes read and not yet parsed.
    private var input: ByteBuffer
    /// What `input` becomes once every byte is parsed: holding on to the last buffer read
    /// would keep it from NIO's pool of receive buffers, and in memory while the connection idles.
    private let drained: ByteBuffer
    /// How far into `input` a head's end was searched for without finding it.
    private var searchedBytes = 0

    init(reader: Reader) {
        self.reader = reader
        state = Reader.awaitsNextHead ? .head : .idle
        drained = ByteBuffer()
        input = drained
    }

    /// A message's head comes next (for a reader that does not await one by itself).
    mutating func expectHead() {
        state = .head
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

    /// The next thing the bytes read say, or `nil` when more bytes are needed.
    mutating func next() throws(HTTP1MessageInvalid) -> Event? {
        if let event = try nextEvent() {
            return event
        }
        if input.readableBytes == 0 {
            input = drained
        }
        return nil
    }

    private mutating func nextEvent() throws(HTTP1MessageInvalid) -> Event? {
        switch state {
        case .idle:
            guard input.readableBytes == 0 else { throw HTTP1MessageInvalid("bytes came with no message expected") }
            return nil
        case .head:
            return try nextHead()
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
            let size = try HTTP1Syntax.chunkSize(of: line)
            state = size == 0 ? .trailers(bytesRead: 0) : .chunkData(remaining: size)
            return try nextEvent()
        case .chunkDataEnd:
            guard let line = try nextLine(limit: 2, what: "chunk's end") else { return nil }
            guard line.readableBytes == 0 else { throw HTTP1MessageInvalid("a chunk is longer than its size") }
            state = .chunkSize
            return try nextEvent()
        case .trailers(let bytesRead):
            let limit = Self.headLimit - bytesRead
            guard let line = try nextLine(limit: limit, what: "trailer section") else { return nil }
            state = line.readableBytes == 0 ? .complete : .trailers(bytesRead: bytesRead + line.readableBytes + 2)
            return try nextEvent()
        case .complete:
            state = Reader.awaitsNextHead ? .head : .idle
            return .end
        }
    }

    /// Whether the connection's close would end the message being read (a body of no stated
    /// length): then the close is its ``Event/end``, not a failure.
    var endsAtClose: Bool {
        state == .untilClose
    }

    /// At the end of the connection's input: the end of a message the close ends, `nil` between
    /// messages; a message cut short is refused.
    mutating func finish() throws(HTTP1MessageInvalid) -> Event? {
        if endsAtClose {
            state = .idle
            return .end
        }
        guard (state == .head || state == .idle), input.readableBytes == 0 else {
            throw HTTP1MessageInvalid("the connection's input ended in the middle of a message")
        }
        return nil
    }

    /// The next head, once all of it is read (heads the reader skips are skipped).
    private mutating func nextHead() throws(HTTP1MessageInvalid) -> Event? {
        while let length = try headLength() {
            let bytes = input.readSlice(length: length)!
            searchedBytes = 0
            guard let (head, body) = try reader.head(of: bytes) else { continue }
            switch body {
            case .none: state = .complete
            case .sized(let length): state = length == 0 ? .complete : .sized(remaining: length)
            case .chunked: state = .chunkSize
            case .untilClose: state = .untilClose
            }
            return .head(head)
        }
        return nil
    }

    /// The length of the head at the start of the bytes read, up to and with the empty line
    /// that ends it; `nil` when its end is not read yet. Empty lines before a head are dropped
    /// (RFC 9112 §2.2: a client may send one after a request's body).
    private mutating func headLength() throws(HTTP1MessageInvalid) -> Int? {
        if searchedBytes == 0 {
            while let first = input.getInteger(at: input.readerIndex, as: UInt8.self), first == UInt8(ascii: "\r") || first == UInt8(ascii: "\n") {
                input.moveReaderIndex(forwardBy: 1)
            }
        }
        let (length, searched) = input.withUnsafeReadableBytes { raw -> (Int?, Int) in
            let (lf, cr) = (UInt8(ascii: "\n"), UInt8(ascii: "\r"))
            var index = searchedBytes
            while let newline = HTTP1Syntax.index(of: lf, in: raw, from: index) {
                let after = newline + 1
                guard after < raw.count else { return (nil, newline) }  // the next line may be empty
                if raw[after] == lf {
                    return (after + 1, 0)
                }
                if raw[after] == cr {
                    guard after + 1 < raw.count else { return (nil, newline) }
                    if raw[after + 1] == lf {
                        return (after + 2, 0)
                    }
                }
                index = after
            }
            return (nil, raw.count)
        }
        searchedBytes = searched
        guard (length ?? input.readableBytes) <= Self.headLimit else {
            throw HTTP1MessageInvalid("the head is over \(Self.headLimit) bytes", tooLarge: true)
        }
        return length
    }

    /// Up to `limit` bytes of body, or `nil` when none have been read.
    private mutating func bodyBytes(upTo limit: Int) -> ByteBuffer? {
        let count = min(limit, input.readableBytes)
        guard count > 0 else { return nil }
        return input.readSlice(length: count)
    }

    /// The next line's bytes without its end (`\r\n`, or a bare `\n`, RFC 9112 §2.2), or `nil`
    /// when its end is not read yet. A line longer than `limit` is refused.
    private mutating func nextLine(limit: Int, what: String) throws(HTTP1MessageInvalid) -> ByteBuffer? {
        let newline = input.withUnsafeReadableBytes { raw in HTTP1Syntax.index(of: UInt8(ascii: "\n"), in: raw) }
        guard let newline else {
            guard input.readableBytes <= limit else { throw HTTP1MessageInvalid("the \(what) is over \(limit) bytes") }
            return nil
        }
        guard newline <= limit else { throw HTTP1MessageInvalid("the \(what) is over \(limit) bytes") }
        var line = input.readSlice(length: newline)!
        input.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }
}

/// A message is not HTTP/1.1 the gateway can read safely.
struct HTTP1MessageInvalid: Error, CustomStringConvertible, Equatable {
    let reason: String
    /// The head was over the size limit (for a request, NIO's `headerOverflow`, not a malformed one).
    let tooLarge: Bool

    init(_ reason: String, tooLarge: Bool = false) {
        self.reason = reason
        self.tooLarge = tooLarge
    }

    var description: String { "not valid HTTP/1.1: \(reason)" }
}
