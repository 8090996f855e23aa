import Testing
import TestSupport
@testable import Mail

@Suite("Quoted-printable encoding (RFC 2045 §6.7)")
struct MailQuotedPrintableTests {
    private func encoded(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(PreparedMail.crlfNormalised(text)), as: UTF8.self)
    }

    /// A decoder written from the RFC, independent of the encoder.
    private func decoded(_ text: String) -> [UInt8] {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "=") {
                if input[index + 1] == 0x0D {
                    index += 3
                } else {
                    output.append(UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16)!)
                    index += 3
                }
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return output
    }

    @Test func keepsPrintableASCIIAndLineBreaks() {
        #expect(encoded("Hello, world!\nSecond line.") == "Hello, world!\r\nSecond line.")
        #expect(encoded("") == "")
    }

    @Test func escapesEqualsSignsNonASCIIAndControlCharacters() {
        #expect(encoded("a=b") == "a=3Db")
        #expect(encoded("Zoë €") == "Zo=C3=AB =E2=82=AC")
        #expect(encoded("tab\there\u{7F}") == "tab\there=7F")
    }

    @Test func escapesWhitespaceAtTheEndOfALine() {
        #expect(encoded("trailing \nspace\t") == "trailing=20\r\nspace=09")
        #expect(encoded("inner space") == "inner space")
    }

    @Test func wrapsLongLinesWithSoftBreaksNeverInsideAnEscape() {
        let text = String(repeating: "é", count: 100) + "\n" + String(repeating: "x", count: 200)
        let output = encoded(text)
        let lines = output.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast().contains { $0.hasSuffix("=") })
        for line in lines {
            let body = line.hasSuffix("=") ? line.dropLast() : Substring(line)
            // Every "=" left in the line starts a whole escape.
            var rest = body[...]
            while let equals = rest.firstIndex(of: "=") {
                #expect(rest[equals...].count >= 3)
                rest = rest[rest.index(after: equals)...]
            }
        }
        #expect(decoded(output) == PreparedMail.crlfNormalised(text))
    }

    @Test func aLineOfExactly76CharactersIsNotWrapped() {
        let line = String(repeating: "y", count: 76)
        #expect(encoded(line) == line)
        #expect(encoded(line + "y") == String(repeating: "y", count: 75) + "=\r\nyy")
    }

    @Test(arguments: 0..<200)
    func anyTextRoundTrips(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed))
        let alphabet: [Character] = ["a", " ", "\t", "=", "\n", "é", "€", "😀", ".", "\r", "\u{0}", "Z"]
        let text = String((0..<Int.random(in: 0...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        let output = encoded(text)
        #expect(output.utf8.allSatisfy { $0 < 0x80 })
        #expect(output.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 && !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        #expect(decoded(output) == PreparedMail.crlfNormalised(text))
    }
}

