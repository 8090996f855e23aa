#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The pieces of HTTP/1.1 syntax both sides' heads share (RFC 9110 §5, RFC 9112 §5): field
/// lines, tokens, chunk sizes, and finding bytes fast.
enum HTTP1Syntax {
    /// The field lines of a head after its start line, up to the empty line: each validated,
    /// names as sent and values trimmed, in order, with what they say of the body's framing.
    static func fields(
        _ lines: inout HeadLines, in bytes: UnsafeRawBufferPointer
    ) throws(HTTP1MessageInvalid) -> (fields: [(String, String)], framing: FramingFields) {
        var fields: [(String, String)] = []
        fields.reserveCapacity(16)
        let framing = try forEachField(&lines, in: bytes) { name, value in
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return (fields, framing)
    }

    /// The field lines of a head after its start line, as ``fields(_:in:)`` reads them, each
    /// given to `body` as its name's and value's bytes in `bytes`.
    static func forEachField(
        _ lines: inout HeadLines, in bytes: UnsafeRawBufferPointer, _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
    ) throws(HTTP1MessageInvalid) -> FramingFields {
        var framing = FramingFields()
        while let line = lines.next(), !line.isEmpty {
            let (name, value) = try field(UnsafeRawBufferPointer(rebasing: bytes[line]))
            try framing.read(name: name, value: value)
            body(name, value)
        }
        return framing
    }

    /// Calls `body` with the readable bytes of `buffer`, keeping its typed error (NIO's
    /// `withUnsafeReadableBytes` rethrows untyped).
    static func reading<Result>(
        _ buffer: ByteBuffer, _ body: (UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) -> Result
    ) throws(HTTP1MessageInvalid) -> Result {
        try buffer.withUnsafeReadableBytes { bytes in Swift.Result { () throws(HTTP1MessageInvalid) in try body(bytes) } }.get()
    }

    /// The minor version of the `HTTP/1.0` or `HTTP/1.1` that `bytes` start with, or `nil`
    /// (`memcmp`: the generic `starts(with:)` cost 300 instructions a line).
    static func http1MinorVersion(at bytes: UnsafeRawBufferPointer) -> Int? {
        let prefix: StaticString = "HTTP/1."
        guard bytes.count >= 8, let base = bytes.baseAddress, memcmp(base, prefix.utf8Start, 7) == 0 else { return nil }
        switch bytes[7] {
        case UInt8(ascii: "0"): return 0
        case UInt8(ascii: "1"): return 1
        default: return nil
        }
    }

    /// The index of the first `byte` in `bytes` from `start` on (`memchr`: a byte-at-a-time
    /// search through `Collection.firstIndex` cost ~2k instructions per answer).
    static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress, let found = memchr(base + start, Int32(byte), bytes.count - start) else {
            return nil
        }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// `name ":" OWS value OWS`: the name (a token) and the value (trimmed, no control
    /// characters but tabs). A line that begins with whitespace (an obsolete folded value) is refused.
    static func field(_ line: UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        guard line.first.map(isWhitespace) != true else { throw HTTP1MessageInvalid("it has a folded field") }
        guard let colon = index(of: UInt8(ascii: ":"), in: line) else { throw HTTP1MessageInvalid("it has a field line without a colon") }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty, isToken(name) else { throw HTTP1MessageInvalid("it has a field whose name is not a token") }
        var start = colon + 1
        var end = line.count
        while start < end, isWhitespace(line[start]) { start += 1 }
        while end > start, isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
        guard !containsControl(value) else {
            throw HTTP1MessageInvalid("its field \(String(decoding: name, as: UTF8.self)) has a control character")
        }
        return (name, value)
    }

    /// A chunk-size line's size: hex digits, then nothing or (after optional whitespace) `;`
    /// extensions, which are ignored but may hold no control character (a bare CR where a
    /// reader behind could see a line's end).
    static func chunkSize(of line: ByteBuffer) throws(HTTP1MessageInvalid) -> Int {
        let bytes = line.readableBytesView
        var size = 0
        var index = bytes.startIndex
        while index < bytes.endIndex, let value = hexValue(bytes[index]) {
            guard index - bytes.startIndex < 15 else { throw HTTP1MessageInvalid("a chunk's size is too large") }
            size = size << 4 | value
            index += 1
        }
        guard index > bytes.startIndex else { throw HTTP1MessageInvalid("a chunk-size line has no size") }
        while index < bytes.endIndex, isWhitespace(bytes[index]) {
            index += 1
        }
        guard index == bytes.endIndex || bytes[index] == UInt8(ascii: ";") else {
            throw HTTP1MessageInvalid("a chunk-size line has a byte that is not a hex digit")
        }
        guard !bytes[index...].contains(where: isControl) else {
            throw HTTP1MessageInvalid("a chunk extension has a control character")
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

    /// Optional whitespace (OWS, RFC 9110 §5.6.3): a space or a tab.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// A control character other than a tab (a bare CR included).
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    /// Whether `bytes` contain a control character other than a tab (``isControl(_:)``),
    /// eight bytes at a time: a word with no byte below 0x20 and none 0x7F has none, and only
    /// a word with one is looked at byte by byte (a field value's tabs). Every byte of every
    /// field value of every head is checked here.
    static func containsControl(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let (ones, highs, spaces, deletes): (UInt64, UInt64, UInt64, UInt64) =
            (0x0101_0101_0101_0101, 0x8080_8080_8080_8080, 0x2020_2020_2020_2020, 0x7F7F_7F7F_7F7F_7F7F)
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let below0x20 = (word &- spaces) & ~word & highs
            let noDelete = word ^ deletes
            let is0x7F = (noDelete &- ones) & ~noDelete & highs
            if below0x20 | is0x7F != 0, bytes[index..<(index + 8)].contains(where: isControl) {
                return true
            }
            index += 8
        }
        return bytes[index...].contains(where: isControl)
    }

    /// Whether every byte of `bytes` is a `tchar` (``isTokenByte(_:)``), by a bit table.
    static func isToken(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Bit `b` of the pair: byte `b` is a tchar (the table of isTokenByte, as two words).
        let (below64, from64): (UInt64, UInt64) = (0x03FF_6CFA_0000_0000, 0x57FF_FFFF_C7FF_FFFE)
        for byte in bytes {
            let word = byte < 64 ? below64 : byte < 128 ? from64 : 0
            guard word >> UInt64(byte & 63) & 1 == 1 else { return false }
        }
        return true
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
struct HeadLines {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func next() -> Range<Int>? {
        guard let newline = HTTP1Syntax.index(of: UInt8(ascii: "\n"), in: bytes, from: position) else { return nil }
        var end = newline
        if end > position, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        defer { position = newline + 1 }
        return position..<end
    }
}
