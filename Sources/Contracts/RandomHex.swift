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
    @inlinable
    public static func random(bytes: Int, using generator: inout some RandomNumberGenerator) -> String {
        let words = bytes / 8
        return String(unsafeUninitializedCapacity: words * 16) { buffer in
            for word in 0..<words {
                write(generator.next(), into: buffer, at: word * 16)
            }
            return words * 16
        }
    }

    /// Writes `word`'s 16 hex digits into `buffer` from `offset`, most significant first.
    /// (Inlinable, as ``digit(_:at:)``: request and trace ids are written on every request, and
    /// a call per digit across modules cost more than the digits.)
    @inlinable
    public static func write(_ word: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<16 {
            buffer[offset + index] = digit(word, at: index)
        }
    }

    /// The hex digit (lowercase ASCII) of `word` at `index`, 0 the most significant of 16.
    @inlinable
    public static func digit(_ word: UInt64, at index: Int) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * index)) & 0xF
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
