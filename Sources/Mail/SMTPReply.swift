import NIOCore

/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text.
struct SMTPReply: Sendable, Equatable {
    /// The reply code, 200-599 (e.g. 250 for "OK", 354 for "start mail input").
    var code: Int
    /// The text after the code of each line, in order (`250-PIPELINING` gives `PIPELINING`).
    var lines: [String]

    /// The text of all lines on one line, for error messages.
    var text: String {
        lines.joined(separator: " / ")
    }
}

/// Splits the bytes from an SMTP server into ``SMTPReply``s: lines end in CRLF (a bare LF is
/// accepted), `250-…` continues a reply and `250 …` ends it. Anything else, or a line longer
/// than ``maximumLineLength``, is a ``MailError/Kind/protocolViolation``.
///
/// The client never pipelines, so the server owes one reply per command: bytes that arrive
/// together with the end of a reply are refused too. That closes the STARTTLS injection
/// hole (CVE-2011-0411's kind), where plaintext sent behind the 220 would be read as if it
/// came through TLS.
struct SMTPReplyDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// The longest reply line accepted (RFC 5321 allows 512 octets; servers send longer).
    static let maximumLineLength = 4_096

    private var pending: SMTPReply?

    mutating func decode(buffer: inout ByteBuffer) throws -> SMTPReply? {
        while let line = try Self.readLine(from: &buffer) {
            let (code, isLast, text) = try Self.parse(line)
            var reply = pending ?? SMTPReply(code: code, lines: [])
            guard reply.code == code else {
                throw MailError(.protocolViolation, message: "a reply changed its code from \(reply.code) to \(code) mid-reply")
            }
            reply.lines.append(text)
            if isLast {
                guard buffer.readableBytes == 0 else {
                    throw MailError(.protocolViolation, message: "the server sent more after its \(code) reply than one reply")
                }
                pending = nil
                return reply
            }
            pending = reply
        }
        return nil
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SMTPReply? {
        try decode(buffer: &buffer)
    }

    /// The next line without its line break, or `nil` if no whole line has arrived yet.
    private static func readLine(from buffer: inout ByteBuffer) throws -> String? {
        let newline = buffer.withUnsafeReadableBytes { $0.firstIndex(of: 0x0A) }
        guard let newline else {
            guard buffer.readableBytes <= maximumLineLength else {
                throw MailError(.protocolViolation, message: "the server sent a line longer than \(maximumLineLength) bytes")
            }
            return nil
        }
        guard newline <= maximumLineLength else {
            throw MailError(.protocolViolation, message: "the server sent a line longer than \(maximumLineLength) bytes")
        }
        var line = buffer.readSlice(length: newline + 1)!
        line.moveWriterIndex(to: line.writerIndex - 1)
        if line.readableBytesView.last == 0x0D { line.moveWriterIndex(to: line.writerIndex - 1) }
        return String(decoding: line.readableBytesView, as: UTF8.self)
    }

    /// The code, whether this line ends the reply, and its text.
    private static func parse(_ line: String) throws -> (code: Int, isLast: Bool, text: String) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3,
              (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0]),
              bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else {
            throw MailError(.protocolViolation, message: "the server sent '\(line.prefix(80))', which is not an SMTP reply")
        }
        let code = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        let isLast = bytes.count == 3 || bytes[3] == UInt8(ascii: " ")
        return (code, isLast, String(decoding: bytes.dropFirst(4), as: UTF8.self))
    }
}
