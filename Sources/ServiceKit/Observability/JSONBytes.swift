/// JSON text written into memory sized for it beforehand: literals, strings (escaped where JSON
/// needs it) and decimal integers, what log lines are made of.
///
/// Raw memory, not an array: the access log writes a line per request, and growing an array
/// piece by piece (a uniqueness and capacity check per append) cost as much as the text.
struct JSONBytes {
    private let memory: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes are written.
    private(set) var count = 0

    /// The most bytes a string of `utf8Count` UTF-8 bytes takes: its quotes, and six per byte
    /// (a control character as `\u001f`).
    static func maxStringSize(utf8Count: Int) -> Int {
        2 + 6 * utf8Count
    }

    /// The most bytes ``decimal(_:)`` writes (`-9223372036854775808`).
    static let maxDecimalSize = 20

    /// A writer of `memory`, from its start; writing past its end stops the process.
    init(_ memory: UnsafeMutableBufferPointer<UInt8>) {
        self.memory = memory
    }

    /// Writes JSON text as it is.
    mutating func literal(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes `text` as a JSON string: quotes, backslashes and control characters escaped, the
    /// rest (including `/` and non-ASCII) as it is. Works on UTF-8 bytes: every byte that needs
    /// an escape is ASCII, and most strings need none and are copied whole.
    mutating func string(_ text: String) {
        put(UInt8(ascii: "\""))
        text.withUTF8Bytes { bytes in
            if Self.mayNeedEscaping(bytes) {
                escape(bytes)
            } else {
                append(bytes)
            }
        }
        put(UInt8(ascii: "\""))
    }

    /// Writes `time` as a JSON string (its digits and separators need no escapes).
    mutating func string(_ time: LogTimestamp) {
        put(UInt8(ascii: "\""))
        precondition(LogTimestamp.size <= memory.count - count, "JSONBytes: more bytes than were sized for")
        time.write(into: UnsafeMutableBufferPointer(rebasing: memory[count...]))
        count += LogTimestamp.size
        put(UInt8(ascii: "\""))
    }

    /// Writes `value` in decimal digits, as `String(value)` would.
    mutating func decimal(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        var remaining = value.magnitude
        var divisor: UInt64 = 1
        while remaining / divisor >= 10 { divisor *= 10 }
        repeat {
            put(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Whether `bytes` may hold a byte JSON escapes (a control character, `"` or `\`): false
    /// means none does. Eight bytes at a time, with the word tricks of "Bit Twiddling Hacks"
    /// (a byte below 0x20; a byte equal to one of the two): a log line is mostly ids and paths,
    /// and scanning them byte by byte was a tenth of the access log line.
    static func mayNeedEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highBits != 0 }
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let hasControl = (word &- ones &* 0x20) & ~word & highBits != 0
                if hasControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) {
                    return true
                }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }

    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>) {
        let hex: StaticString = "0123456789abcdef"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(UInt8(ascii: "\\"), byte)
            case UInt8(ascii: "\n"): put(UInt8(ascii: "\\"), UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): put(UInt8(ascii: "\\"), UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): put(UInt8(ascii: "\\"), UInt8(ascii: "t"))
            case ..<0x20:
                literal("\\u00")
                put(hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)])
            default: put(byte)
            }
        }
    }

    private mutating func put(_ byte: UInt8) {
        precondition(count < memory.count, "JSONBytes: more bytes than were sized for")
        memory[count] = byte
        count += 1
    }

    private mutating func put(_ first: UInt8, _ second: UInt8) {
        put(first)
        put(second)
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= memory.count - count, "JSONBytes: more bytes than were sized for")
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (memory.baseAddress! + count).update(from: source, count: bytes.count)
        count += bytes.count
    }
}
