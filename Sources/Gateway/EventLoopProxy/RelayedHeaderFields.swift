import HTTPTypes
import NIOCore
import ServiceKit

/// An upstream answer's header fields on their way to the client, on the event-loop path:
/// the fields received, kept as the bytes of the answer's head and where each name and value
/// is in them, then the fields the gateway adds, as strings (``HeaderFieldList``). The head is
/// written back from the same bytes (``HTTPHeadBytes``).
///
/// No `String` is made for a received field: making two per field, copying them into the
/// relayed list and destroying them (through the runtime's generic value witnesses, a tuple
/// at a time) was the largest part of relaying an answer's head. Received values go out as
/// they came, byte for byte, as nginx relays them.
///
/// Names compare case-insensitively, as in `HTTPHeaders`.
struct RelayedHeaderFields: EdgeHeaderFields {
    /// Where one received field's name and value are in ``received``: offsets from its start.
    struct Span {
        var nameStart: UInt32
        var nameCount: UInt32
        var valueStart: UInt32
        var valueCount: UInt32

        init(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, in head: UnsafeRawBufferPointer) {
            nameStart = UInt32(head.baseAddress!.distance(to: name.baseAddress!))
            nameCount = UInt32(name.count)
            valueStart = UInt32(head.baseAddress!.distance(to: value.baseAddress!))
            valueCount = UInt32(value.count)
        }

        func name(in head: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8> {
            UnsafeRawBufferPointer(rebasing: head[Int(nameStart)..<Int(nameStart + nameCount)]).assumingMemoryBound(to: UInt8.self)
        }

        func value(in head: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8> {
            UnsafeRawBufferPointer(rebasing: head[Int(valueStart)..<Int(valueStart + valueCount)]).assumingMemoryBound(to: UInt8.self)
        }
    }

    /// The received head's bytes (a slice of the buffer read, not a copy).
    private(set) var received: ByteBuffer
    /// The received fields still relayed, in order.
    private(set) var spans: [Span]
    /// The fields added since, in order, after the received ones.
    private(set) var added = HeaderFieldList()

    init() {
        received = ByteBuffer()
        spans = []
    }

    /// The fields at `spans` of the head `received`.
    init(received: ByteBuffer, spans: [Span]) {
        self.received = received
        self.spans = spans
    }

    mutating func reserveCapacity(_ minimumCapacity: Int) {
        added.reserveCapacity(minimumCapacity)
    }

    /// Calls `body` with the bytes of each received field's name and value, in order.
    func forEachReceivedField(_ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        received.withUnsafeReadableBytes { head in
            spans.withUnsafeBufferPointer { spans in
                for span in spans {
                    body(span.name(in: head), span.value(in: head))
                }
            }
        }
    }

    func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachReceivedField { name, _ in body(name) }
        added.forEachName(body)
    }

    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        forEachReceivedField { name, value in body(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)) }
        added.forEachField(body)
    }

    func values(_ name: HTTPField.Name) -> [String] {
        var values: [String] = []
        name.canonicalName.withUTF8Bytes { lowercased in
            forEachReceivedField { fieldName, value in
                if HeaderName.matches(fieldName, lowercased: lowercased) { values.append(String(decoding: value, as: UTF8.self)) }
            }
        }
        return values + added.values(name)
    }

    func first(_ name: HTTPField.Name) -> String? {
        let value = name.canonicalName.withUTF8Bytes { lowercased in
            received.withUnsafeReadableBytes { head in
                spans.withUnsafeBufferPointer { spans in
                    spans.first { HeaderName.matches($0.name(in: head), lowercased: lowercased) }.map { String(decoding: $0.value(in: head), as: UTF8.self) }
                }
            }
        }
        return value ?? added.first(name)
    }

    mutating func set(_ name: HTTPField.Name, to value: String) {
        remove(name)
        added.append(name, value)
    }

    mutating func append(_ name: HTTPField.Name, _ value: String) {
        added.append(name, value)
    }

    mutating func append(rawName: String, _ value: String) {
        added.append(rawName: rawName, value)
    }

    mutating func remove(_ name: HTTPField.Name) {
        name.canonicalName.withUTF8Bytes { lowercased in
            removeReceived { HeaderName.matches($0, lowercased: lowercased) }
        }
        added.remove(name)
    }

    /// Stops relaying the received fields whose name (its bytes) `isRemoved`. The spans are
    /// only rewritten (copied, when shared) if one is.
    mutating func removeReceived(where isRemoved: (UnsafeBufferPointer<UInt8>) -> Bool) {
        let kept: [Span]? = received.withUnsafeReadableBytes { head in
            spans.withUnsafeBufferPointer { spans in
                guard let first = spans.firstIndex(where: { isRemoved($0.name(in: head)) }) else { return nil }
                var kept = Array(spans[..<first])
                kept.reserveCapacity(spans.count - 1)
                for span in spans[(first + 1)...] where !isRemoved(span.name(in: head)) {
                    kept.append(span)
                }
                return kept
            }
        }
        if let kept {
            spans = kept
        }
    }
}
