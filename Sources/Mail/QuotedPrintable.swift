/// The quoted-printable content transfer encoding (RFC 2045 §6.7) for text bodies: readable
/// where the text is ASCII, 7-bit clean everywhere, and no line longer than 76 characters.
enum QuotedPrintable {
    /// The longest encoded line, soft line break included.
    static let maximumLineLength = 76

    private static let equals = UInt8(ascii: "=")
    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes text whose line breaks are all CRLF (``PreparedMail/crlfNormalised(_:)``): CRLF
    /// stays a line break; `=`, bytes outside printable ASCII and a space or tab at the end of a
    /// line become `=XX`; longer lines are split with soft line breaks (`=` CRLF), never inside
    /// an `=XX`.
    static func encode(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 16 + 8)
        var lineLength = 0
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if isLineBreak(input, at: index) {
                output += [carriageReturn, lineFeed]
                lineLength = 0
                index += 2
                continue
            }
            let endsLine = index + 1 == input.endIndex || isLineBreak(input, at: index + 1)
            let literal = switch byte {
            case 0x20, 0x09: !endsLine
            case 0x21...0x7E: byte != equals
            default: false
            }
            let width = literal ? 1 : 3
            // A character that ends its line may use the last column; any other leaves room for
            // the `=` of a soft line break.
            let limit = endsLine ? maximumLineLength : maximumLineLength - 1
            if lineLength + width > limit {
                output += [equals, carriageReturn, lineFeed]
                lineLength = 0
            }
            if literal {
                output.append(byte)
            } else {
                output += [equals, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
            lineLength += width
            index += 1
        }
        return output
    }

    private static func isLineBreak(_ input: [UInt8], at index: Int) -> Bool {
        input[index] == carriageReturn && index + 1 < input.endIndex && input[index + 1] == lineFeed
    }
}
