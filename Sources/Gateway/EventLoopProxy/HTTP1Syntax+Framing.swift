extension HTTP1Syntax {
    /// The fields of a head that say how its body ends and whether its connection is kept,
    /// read from their bytes as the head is parsed (RFC 9112 §6.3, §9.3).
    struct FramingFields {
        /// The body's length: every `Content-Length` value must agree (`5, 5` is one length).
        private(set) var contentLength: Int?
        /// `Transfer-Encoding: chunked`, the only transfer coding accepted (once).
        private(set) var isChunked = false
        /// `Connection: close`.
        private(set) var close = false
        /// `Connection: keep-alive` (what keeps an HTTP/1.0 connection).
        private(set) var keepAlive = false
        /// Whether `Connection` names other fields (elements other than `close` and
        /// `keep-alive`), which end at this hop too.
        private(set) var connectionNamesFields = false

        mutating func read(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(HTTP1MessageInvalid) {
            if HeaderName.matches(name, lowercased: "content-length") {
                guard !ListElements(value).isEmpty else { throw HTTP1MessageInvalid("it has an empty Content-Length") }
                for element in ListElements(value) {
                    guard let length = Self.decimal(element) else {
                        throw HTTP1MessageInvalid("its Content-Length \"\(String(decoding: value, as: UTF8.self))\" is not a length")
                    }
                    guard contentLength == nil || contentLength == length else {
                        throw HTTP1MessageInvalid("it has Content-Length values that differ")
                    }
                    contentLength = length
                }
            } else if HeaderName.matches(name, lowercased: "transfer-encoding") {
                guard !ListElements(value).isEmpty else { throw HTTP1MessageInvalid("it has an empty Transfer-Encoding") }
                for element in ListElements(value) {
                    guard !isChunked, HeaderName.matches(element, lowercased: "chunked") else {
                        throw HTTP1MessageInvalid("its transfer coding \"\(String(decoding: value, as: UTF8.self))\" is not chunked alone")
                    }
                    isChunked = true
                }
            } else if HeaderName.matches(name, lowercased: "connection") {
                for element in ListElements(value) {
                    if HeaderName.matches(element, lowercased: "close") {
                        close = true
                    } else if HeaderName.matches(element, lowercased: "keep-alive") {
                        keepAlive = true
                    } else {
                        connectionNamesFields = true
                    }
                }
            }
        }

        /// A non-negative decimal of up to 18 digits, or `nil`.
        static func decimal(_ digits: UnsafeRawBufferPointer) -> Int? {
            guard !digits.isEmpty, digits.count <= 18 else { return nil }
            var number = 0
            for byte in digits {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return number
        }
    }
}

/// The elements of a comma-separated field value (`#element` of RFC 9110 §5.6.1), trimmed of
/// spaces and tabs, empty ones skipped, without allocating.
struct ListElements: Sequence, IteratorProtocol {
    let value: UnsafeRawBufferPointer
    private var position = 0

    init(_ value: UnsafeRawBufferPointer) {
        self.value = value
    }

    /// Whether the value has no element (empty, or only commas and whitespace).
    var isEmpty: Bool {
        var elements = self
        return elements.next() == nil
    }

    mutating func next() -> UnsafeRawBufferPointer? {
        while position < value.count {
            var end = HTTP1Syntax.index(of: UInt8(ascii: ","), in: value, from: position) ?? value.count
            var start = position
            position = end + 1
            while start < end, HTTP1Syntax.isWhitespace(value[start]) { start += 1 }
            while end > start, HTTP1Syntax.isWhitespace(value[end - 1]) { end -= 1 }
            if start < end {
                return UnsafeRawBufferPointer(rebasing: value[start..<end])
            }
        }
        return nil
    }
}
