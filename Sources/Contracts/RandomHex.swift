/// Lowercase hex text, for random ids that must be unique rather than secret (trace and span
/// ids, request ids), made on every request: random numbers come from the system generator
/// 8 bytes at a time (one `getrandom` call each), never byte by byte.
public enum RandomHex {
    /// `bytes` (a multiple of 8) random bytes as hex.
    public static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return random(bytes: bytes, using: &generator)
    }

    /// `bytes` (a multiple of 8) random bytes from `generator`, as hex.
    public static func random(bytes: Int, using generator: inout some RandomNumberGenerator) -> String {
        string(words: (0..<(bytes / 8)).map { _ in generator.next() })
    }

    /// `words` as hex, 16 digits each, most significant digit first.
    public static func string(words: [UInt64]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: words.count * 16) { buffer in
            digits.withUTF8Buffer { hex in
                var index = 0
                for word in words {
                    for shift in stride(from: 60, through: 0, by: -4) {
                        buffer[index] = hex[Int((word >> UInt64(shift)) & 0xF)]
                        index += 1
                    }
                }
                return index
            }
        }
    }
}
