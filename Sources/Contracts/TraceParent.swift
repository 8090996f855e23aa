/// A W3C trace context (`traceparent: 00-<trace id>-<parent id>-<flags>`), carried from the
/// HTTP request that started some work through every message that work causes, so one
/// checkout's log lines can be found across the gateway, the services and the workers.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits, never all zero.
    public let traceID: String
    /// 16 lowercase hex digits: the span that sent this.
    public let parentID: String
    public let flags: String

    /// Parses a `traceparent` value; `nil` when it is not a valid version-00 header.
    public init?(_ header: String) {
        let parts = header.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00",
            Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16), Self.isHex(parts[3], count: 2),
            parts[1] != Substring(repeating: "0", count: 32), parts[2] != Substring(repeating: "0", count: 16)
        else { return nil }
        traceID = String(parts[1])
        parentID = String(parts[2])
        flags = String(parts[3])
    }

    private init(traceID: String, parentID: String, flags: String) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// Stands in until a request's trace is known (the HTTP middleware sets it first thing);
    /// its all-zero ids are invalid, so it is never mistaken for a real trace.
    public static let placeholder = TraceParent(
        traceID: String(repeating: "0", count: 32), parentID: String(repeating: "0", count: 16), flags: "00"
    )

    /// A new trace, sampled.
    public static func newTrace() -> TraceParent {
        var generator = SystemRandomNumberGenerator()
        return newTrace(using: &generator)
    }

    /// A new trace, sampled, with ids from `generator` (three words).
    public static func newTrace(using generator: inout some RandomNumberGenerator) -> TraceParent {
        TraceParent(traceID: RandomHex.random(bytes: 16, using: &generator), parentID: RandomHex.random(bytes: 8, using: &generator), flags: "01")
    }

    /// The same trace, from a new span (what a process sends on after receiving this).
    public func child() -> TraceParent {
        var generator = SystemRandomNumberGenerator()
        return child(using: &generator)
    }

    /// ``child()`` with the span id from `generator` (one word).
    public func child(using generator: inout some RandomNumberGenerator) -> TraceParent {
        TraceParent(traceID: traceID, parentID: RandomHex.random(bytes: 8, using: &generator), flags: flags)
    }

    /// The header value.
    public var description: String {
        // Copied into one string sized beforehand: the gateway writes this header on every
        // request, and interpolation cost several times as much.
        let count = 6 + traceID.utf8.count + parentID.utf8.count + flags.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = Self.copy("00-", into: buffer, at: 0)
            offset = Self.copy(traceID, into: buffer, at: offset)
            offset = Self.copy("-", into: buffer, at: offset)
            offset = Self.copy(parentID, into: buffer, at: offset)
            offset = Self.copy("-", into: buffer, at: offset)
            return Self.copy(flags, into: buffer, at: offset)
        }
    }

    /// Copies `text`'s UTF-8 into `buffer` from `offset`; returns where it ends. Read in place
    /// (a mutable copy for `withUTF8` retained and released each string).
    private static func copy(_ text: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: bytes) + offset
        }
        return text.utf8.withContiguousStorageIfAvailable(copy) ?? Array(text.utf8).withUnsafeBufferPointer(copy)
    }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
