import NIOCore
import NIOHTTP1

/// The head of an upstream's answer, as ``UpstreamResponseParser`` reads it.
struct UpstreamResponseHead {
    var status: HTTPResponseStatus
    /// The fields in order, names as sent.
    var fields: HeaderFieldList
    /// Whether the connection can carry another request after this answer.
    var keepAlive: Bool
}

extension UpstreamResponseParser {
    /// How an answer's body ends, from its head (RFC 9112 §6.3).
    enum BodyLength: Equatable {
        case none
        case sized(Int)
        case chunked
        case untilClose
    }

    /// The next final head, once all of it is read (informational heads are skipped).
    mutating func nextHead(answeringHEAD: Bool) throws(UpstreamResponseInvalid) -> Event? {
        while let length = try headLength() {
            let parsed = input.withUnsafeReadableBytes { raw in
                Result { () throws(UpstreamResponseInvalid) in try Self.head(of: UnsafeRawBufferPointer(rebasing: raw[0..<length])) }
            }
            var (head, framing) = try parsed.get()
            input.moveReaderIndex(forwardBy: length)
            searchedBytes = 0
            switch head.status.code {
            case 101:
                throw UpstreamResponseInvalid("it switches protocols (101), which the gateway never asks for")
            case 100..<200:
                continue  // informational (103 Early Hints...): the final answer follows
            default:
                break
            }
            switch answeringHEAD || head.status == .noContent || head.status == .notModified ? .none : framing {
            case .none: state = .complete
            case .sized(let length): state = length == 0 ? .complete : .sized(remaining: length)
            case .chunked: state = .chunkSize
            case .untilClose:
                state = .untilClose
                head.keepAlive = false
            }
            return .head(head)
        }
        return nil
    }

    /// The length of the head at the start of the bytes read, up to and with the empty line
    /// that ends it; `nil` when its end is not read yet.
    private mutating func headLength() throws(UpstreamResponseInvalid) -> Int? {
        let (length, searched) = input.withUnsafeReadableBytes { raw -> (Int?, Int) in
            let (lf, cr) = (UInt8(ascii: "\n"), UInt8(ascii: "\r"))
            var index = searchedBytes
            while let newline = Self.index(of: lf, in: raw, from: index) {
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
            throw UpstreamResponseInvalid("the head is over \(Self.headLimit) bytes")
        }
        return length
    }

    /// A whole head: its status line, its fields (validated, kept in order), and how its body
    /// ends if it has one. Its `keepAlive` is what its version and `Connection` say; a body the
    /// close ends rules it out too.
    static func head(of bytes: UnsafeRawBufferPointer) throws(UpstreamResponseInvalid) -> (UpstreamResponseHead, BodyLength) {
        var lines = HeadLines(bytes: bytes)
        let statusLine = lines.next()!
        let (status, minorVersion) = try Self.statusLine(UnsafeRawBufferPointer(rebasing: bytes[statusLine]))
        var framing = FramingFields()
        var fields = HeaderFieldList()
        fields.reserveCapacity(16)
        while let line = lines.next(), !line.isEmpty {
            let (name, value) = try Self.field(UnsafeRawBufferPointer(rebasing: bytes[line]))
            try framing.read(name: name, value: value)
            fields.append(rawName: String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        if framing.transferEncoding != nil, framing.contentLength != nil {
            throw UpstreamResponseInvalid("it has both Transfer-Encoding and Content-Length")
        }
        let body: BodyLength =
            if framing.transferEncoding != nil { .chunked } else if let length = framing.contentLength { .sized(length) } else { .untilClose }
        let keepAlive = !framing.close && (minorVersion == 1 || framing.keepAlive)
        return (UpstreamResponseHead(status: status, fields: fields, keepAlive: keepAlive), body)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`: the status (with the reason phrase only for a code NIO
    /// does not know) and the minor version.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws(UpstreamResponseInvalid) -> (HTTPResponseStatus, Int) {
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard line.count >= 12, line.starts(with: "HTTP/1.".utf8), line[7] == UInt8(ascii: "0") || line[7] == UInt8(ascii: "1"),
            line[8] == UInt8(ascii: " "), digit.contains(line[9]), digit.contains(line[10]), digit.contains(line[11]),
            line.count == 12 || line[12] == UInt8(ascii: " ")
        else {
            throw UpstreamResponseInvalid("its status line is not HTTP/1.0 or HTTP/1.1 with a three-digit status")
        }
        let code = line[9...11].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (100..<600).contains(code) else { throw UpstreamResponseInvalid("its status \(code) is not in 100-599") }
        let reason = line.count > 13 ? UnsafeRawBufferPointer(rebasing: line[13...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        guard !reason.contains(where: isControl) else { throw UpstreamResponseInvalid("its reason phrase has a control character") }
        var status = HTTPResponseStatus(statusCode: code)
        if case .custom = status {
            status = HTTPResponseStatus(statusCode: code, reasonPhrase: String(decoding: reason, as: UTF8.self))
        }
        return (status, Int(line[7] - UInt8(ascii: "0")))
    }

    /// `name ":" OWS value OWS`: the name (a token) and the value (trimmed, no control
    /// characters but tabs). A line that begins with whitespace (an obsolete folded value) is refused.
    private static func field(_ line: UnsafeRawBufferPointer) throws(UpstreamResponseInvalid) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        guard let colon = Self.index(of: UInt8(ascii: ":"), in: line) else {
            throw UpstreamResponseInvalid(line.first.map(isWhitespace) == true ? "it has a folded field" : "it has a field line without a colon")
        }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw UpstreamResponseInvalid(line.first.map(isWhitespace) == true ? "it has a folded field" : "it has a field whose name is not a token")
        }
        var start = colon + 1
        var end = line.count
        while start < end, isWhitespace(line[start]) { start += 1 }
        while end > start, isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
        guard !value.contains(where: isControl) else {
            throw UpstreamResponseInvalid("its field \(String(decoding: name, as: UTF8.self)) has a control character")
        }
        return (name, value)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// A control character other than a tab (a bare CR included).
    private static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    /// A `tchar` of RFC 9110 §5.6.2: what a field name is made of.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// The lines of a whole head, each without its end (`\r\n` or `\n`).
private struct HeadLines {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func next() -> Range<Int>? {
        guard let newline = UpstreamResponseParser.index(of: UInt8(ascii: "\n"), in: bytes, from: position) else { return nil }
        var end = newline
        if end > position, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        defer { position = newline + 1 }
        return position..<end
    }
}
