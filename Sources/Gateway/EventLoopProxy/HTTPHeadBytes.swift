import NIOCore
import NIOHTTP1
import ServiceKit

/// HTTP/1.1 message heads as the event-loop path writes them, in one buffer filled in one
/// pass (NIO's encoders write four buffer pieces per field): the start line, each field as
/// `name: value`, the blank line. Fields are written as given: the client's passed NIO's
/// parser, and the gateway's own are built valid.
enum HTTPHeadBytes {
    /// The head whose start line is `parts` separated by spaces (`GET /x HTTP/1.1`,
    /// `HTTP/1.1 200 OK`).
    static func encode(startLine parts: (String, String, String), headers: HTTPHeaders, allocator: ByteBufferAllocator) -> ByteBuffer {
        var size = parts.0.utf8.count + 1 + parts.1.utf8.count + 1 + parts.2.utf8.count + 2 + 2
        for (name, value) in headers {
            size += name.utf8.count + 2 + value.utf8.count + 2
        }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var bytes = RawBytesWriter(raw)
            bytes.append(parts.0)
            bytes.append(" ")
            bytes.append(parts.1)
            bytes.append(" ")
            bytes.append(parts.2)
            bytes.append("\r\n")
            for (name, value) in headers {
                bytes.append(name)
                bytes.append(": ")
                bytes.append(value)
                bytes.append("\r\n")
            }
            bytes.append("\r\n")
            return bytes.count
        }
        return buffer
    }
}

/// Appends strings' UTF-8 bytes to raw memory sized for them beforehand.
struct RawBytesWriter {
    private let memory: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ memory: UnsafeMutableRawBufferPointer) {
        self.memory = memory
    }

    mutating func append(_ string: String) {
        string.withUTF8Bytes { append(UnsafeRawBufferPointer($0)) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= memory.count, "RawBytesWriter: more bytes than were sized for")
        UnsafeMutableRawBufferPointer(rebasing: memory[count..<(count + bytes.count)]).copyMemory(from: bytes)
        count += bytes.count
    }
}
