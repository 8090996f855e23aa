/// What a server offers in its reply to `EHLO` (RFC 5321 §4.1.1.1): one keyword per line
/// after the first, with parameters.
struct SMTPExtensions: Sendable, Equatable {
    /// The keywords, upper-cased (`STARTTLS`, `AUTH`, `SIZE`, `PIPELINING`, …).
    var keywords: Set<String> = []
    /// The mechanisms after `AUTH`, upper-cased (`PLAIN`, `LOGIN`, …).
    var authMechanisms: Set<String> = []
    /// The limit announced by `SIZE`, if any; `0` means no fixed limit (RFC 1870).
    var maximumSize: Int?

    /// No extensions: what a server answering only `HELO` offers.
    init() {}

    /// Reads the lines of an `EHLO` reply; the first line is the server's greeting.
    init(ehloReply reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            keywords.insert(keyword)
            switch keyword {
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            case "SIZE": maximumSize = words.dropFirst().first.flatMap { Int($0) } ?? 0
            default: break
            }
        }
    }

    /// Whether the server offers `STARTTLS`.
    var offersStartTLS: Bool {
        keywords.contains("STARTTLS")
    }
}
