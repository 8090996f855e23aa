import NIOCore
import Testing
@testable import Mail

@Suite("SMTP replies: decoding, extensions and DATA transparency")
struct MailSMTPReplyTests {
    /// Feeds `chunks` one read at a time and returns the replies, or the first error.
    private func decode(_ chunks: [String]) throws -> [SMTPReply] {
        var decoder = SMTPReplyDecoder()
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let reply = try decoder.decode(buffer: &buffer) { replies.append(reply) }
        }
        return replies
    }

    @Test func decodesSingleAndMultiLineRepliesAcrossReads() throws {
        #expect(try decode(["220 mail.test ESMTP ready\r\n"]) == [SMTPReply(code: 220, lines: ["mail.test ESMTP ready"])])
        #expect(try decode(["250-mail.test\r\n250-SIZE 10", "00\r\n250 AUTH PLAIN LOGIN\r", "\n"]) == [
            SMTPReply(code: 250, lines: ["mail.test", "SIZE 1000", "AUTH PLAIN LOGIN"]),
        ])
        #expect(try decode(["354\n"]) == [SMTPReply(code: 354, lines: [""])])
        #expect(try decode(["250 one\r\n", "250 two\r\n"]).map(\.lines) == [["one"], ["two"]])
    }

    @Test(arguments: ["HTTP/1.1 200 OK\r\n", "2500 x\r\n", "25 short\r\n", "650 no such class\r\n", "250_x\r\n"])
    func refusesWhatIsNotAReply(_ text: String) {
        let error = #expect(throws: MailError.self) { try decode([text]) }
        #expect(error?.kind == .protocolViolation)
    }

    @Test func refusesACodeChangeMidReplyAndOverlongLines() {
        #expect(throws: MailError.self) { try decode(["250-a\r\n251 b\r\n"]) }
        #expect(throws: MailError.self) { try decode([String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength + 1)]) }
        #expect(throws: MailError.self) { try decode(["250 " + String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength) + "\r\n"]) }
    }

    @Test("bytes arriving with a reply's end are refused: no plaintext can ride behind STARTTLS's 220")
    func refusesUnrequestedBytesAfterAReply() {
        let error = #expect(throws: MailError.self) { try decode(["220 Ready to start TLS\r\n250 injected\r\n"]) }
        #expect(error?.kind == .protocolViolation)
    }

    @Test func readsTheExtensionsOfAnEHLOReply() {
        let reply = SMTPReply(code: 250, lines: ["mail.test greets client", "PIPELINING", "SIZE 35882577", "auth plain LOGIN", "STARTTLS"])
        let extensions = SMTPExtensions(ehloReply: reply)
        #expect(extensions.keywords == ["PIPELINING", "SIZE", "AUTH", "STARTTLS"])
        #expect(extensions.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(extensions.maximumSize == 35_882_577)
        #expect(extensions.offersStartTLS)
        #expect(!SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mail.test", "SIZE"])).offersStartTLS)
        #expect(SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mail.test", "SIZE"])).maximumSize == 0)
    }

    @Test func dotStuffsTheMessageAndEndsIt() {
        func stuffed(_ text: String) -> String {
            String(buffer: SMTPConversation.dotStuffed(Array(text.utf8)))
        }
        #expect(stuffed(".a\r\nb.\r\n..c\r\n") == "..a\r\nb.\r\n...c\r\n.\r\n")
        #expect(stuffed("no final break") == "no final break\r\n.\r\n")
        #expect(stuffed("") == ".\r\n")
    }

    @Test func serverNameIndicationIsLeftOutForIPAddresses() {
        #expect(SMTPMailer.serverNameIndication("smtp.example.com") == "smtp.example.com")
        #expect(SMTPMailer.serverNameIndication("127.0.0.1") == nil)
        #expect(SMTPMailer.serverNameIndication("::1") == nil)
        #expect(SMTPMailer.serverNameIndication("1.2.3.example") == "1.2.3.example")
    }
}
