import NIOCore
import ServiceKit

/// HTTP/1.1 message heads as the event-loop path writes them, in one buffer filled in one
/// pass (NIO's encoders write four buffer pieces per field): the start line, each field as
/// `name: value`, the blank line. Fields are written as given: the client's passed NIO's
/// parser, and the gateway's own are built valid.
enum HTTPHeadBytes {
    /// The head whose start line is `parts` separated by spaces (`GET /x HTTP/1.1`,
    /// `HTTP/1.1 200 OK`), with `fields` as they are (the gateway's list, not NIO's
    /// `HTTPHeaders`, whose element-by-element access cost a third of this).
    /// `leadingField` comes before `fields` (a request's `Host`); `spareCapacity`: room left
    /// after the head, for what may be written after it.
    static func encode(
        startLine parts: (String, String, String), leadingField: (String, String)? = nil, fields: [(String, String)],
        allocator: ByteBufferAllocator, spareCapacity: Int = 0
    ) -> ByteBuffer {
        encode(startLine: parts, leadingField: leadingField, fields: fields, received: nil, allocator: allocator, spareCapacity: spareCapacity)
    }

    /// An answer's head with `fields`: the received ones as their bytes, then those added.
    static func encode(
        startLine parts: (String, String, String), fields: RelayedHeaderFields, allocator: ByteBufferAllocator, spareCapacity: Int = 0
    ) -> ByteBuffer {
        fields.received.withUnsafeReadableBytes { head in
            fields.spans.withUnsafeBufferPointer { spans in
                encode(
                    startLine: parts, leadingField: nil, fields: fields.added.fields, received: (head, spans), allocator: allocator,
                    spareCapacity: spareCapacity
                )
            }
        }
    }

    /// The head with `received` fields (a head's bytes and where each is in them) before `fields`.
    private static func encode(
        startLine parts: (String, String, String), leadingField: (String, String)?, fields: [(String, String)],
        received: (head: UnsafeRawBufferPointer, spans: UnsafeBufferPointer<RelayedHeaderFields.Span>)?, allocator: ByteBufferAllocator,
        spareCapacity: Int
    ) -> ByteBuffer {
        var size = parts.0.utf8.count + 1 + parts.1.utf8.count + 1 + parts.2.utf8.count + 2 + 2
        if let (name, value) = leadingField {
            size += name.utf8.count + 2 + value.utf8.count + 2
        }
        if let received {
            for span in received.spans {
                size += Int(span.nameCount) + 2 + Int(span.valueCount) + 2
            }
        }
        fields.withUnsafeBufferPointer { fields in  // read in place: a copy retains both strings
            for index in fields.indices {
                size += fields[index].0.utf8.count + 2 + fields[index].1.utf8.count + 2
            }
        }
        var buffer = allocator.buffer(capacity: size + spareCapacity)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var bytes = RawBytesWriter(raw)
            bytes.append(contentsOf: parts.0)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: parts.1)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: parts.2)
            bytes.appendLineEnd()
            if let (name, value) = leadingField {
                bytes.append(contentsOf: name)
                bytes.appendFieldSeparator()
                bytes.append(contentsOf: value)
                bytes.appendLineEnd()
            }
            if let received {
                for span in received.spans {
                    bytes.append(span.name(in: received.head))
                    bytes.appendFieldSeparator()
                    bytes.append(span.value(in: received.head))
                    bytes.appendLineEnd()
                }
            }
            fields.withUnsafeBufferPointer { fields in
                for index in fields.indices {
                    bytes.append(contentsOf: fields[index].0)
                    bytes.appendFieldSeparator()
                    bytes.append(contentsOf: fields[index].1)
                    bytes.appendLineEnd()
                }
            }
            bytes.appendLineEnd()
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

    /// Appends `string`'s bytes.
    mutating func append(contentsOf string: String) {
        string.withUTF8Bytes { bytes in append(bytes) }
    }

    /// Appends `bytes`.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        copy(bytes)
    }

    /// Appends one byte.
    mutating func append(_ byte: UInt8) {
        reserve(1)
        store(byte)
    }

    /// Appends `: `, between a field's name and value. The separators are stored, not copied:
    /// a copy call per separator, two per field, cost more than the field's own bytes.
    mutating func appendFieldSeparator() {
        reserve(2)
        store(UInt8(ascii: ":"))
        store(UInt8(ascii: " "))
    }

    /// Appends `\r\n`.
    mutating func appendLineEnd() {
        reserve(2)
        store(UInt8(ascii: "\r"))
        store(UInt8(ascii: "\n"))
    }

    /// Stops the process unless `byteCount` more bytes fit: what the unchecked writes below rely on.
    private func reserve(_ byteCount: Int) {
        precondition(byteCount <= memory.count - count, "RawBytesWriter: more bytes than were sized for")
    }

    private mutating func store(_ byte: UInt8) {
        memory.baseAddress!.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (memory.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }
}
