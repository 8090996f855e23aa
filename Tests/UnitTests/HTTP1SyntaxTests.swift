import Testing

@testable import Gateway

/// The byte checks every head's fields pass (``HTTP1Syntax``): the fast forms agree with the
/// byte-by-byte definitions, for every byte value at every position of a word.
@Suite("HTTP/1 syntax")
struct HTTP1SyntaxTests {
    @Test func theTokenTableIsTheTcharDefinition() {
        for byte in UInt8.min...UInt8.max {
            let isToken = [byte].withUnsafeBytes(HTTP1Syntax.isToken)
            #expect(isToken == HTTP1Syntax.isTokenByte(byte), "byte \(byte)")
        }
        #expect(Array("Content-Type".utf8).withUnsafeBytes(HTTP1Syntax.isToken))
        #expect(!Array("Content Type".utf8).withUnsafeBytes(HTTP1Syntax.isToken))
    }

    /// Each byte value, alone and at each offset of a 19-byte value of letters and tabs (two
    /// whole words and a tail), is found to be a control character exactly when it is one.
    @Test func controlCharactersAreFoundWordAtATimeWhereverTheyAre() {
        let plain = Array("value\twith tabs\tok".utf8)
        #expect(plain.count == 18)
        #expect(!plain.withUnsafeBytes(HTTP1Syntax.containsControl), "tabs are allowed")
        for byte in UInt8.min...UInt8.max {
            for offset in 0...plain.count {
                var value = plain
                value.insert(byte, at: offset)
                #expect(value.withUnsafeBytes(HTTP1Syntax.containsControl) == HTTP1Syntax.isControl(byte), "byte \(byte) at \(offset)")
            }
        }
    }
}
