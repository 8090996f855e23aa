import Foundation
import Mail
import Testing

/// The SMTP conversation against servers that misbehave on cue (``ScriptedSMTPServer``):
/// what goes over the wire, and which failures are transient, permanent or an outage.
@Suite("SMTPMailer's conversation with scripted servers")
struct MailConversationTests {
    private static let message = MailMessage(
        from: MailAddress("shop@example.com"), to: [MailAddress("a@example.org"), MailAddress("b@example.org")],
        subject: "Dots", textBody: ".leading dot\n..two dots\nend", messageID: "wire@shop.test"
    )

    private func send(
        _ script: ScriptedSMTPServer.Script, url: (Int) -> String = { "smtp://127.0.0.1:\($0)/client.test" },
        timeout: Duration = .seconds(30)
    ) async throws -> (Result<String, MailError>, [String]) {
        let server = try await ScriptedSMTPServer.start(script)
        var configuration = try SMTPConfiguration(url: url(server.port))
        configuration.timeout = timeout
        let result: Result<String, MailError>
        do {
            result = .success(try await withMailer(configuration) { try await $0.send(Self.message) })
        } catch let error as MailError {
            result = .failure(error)
        }
        await server.stop()
        return (result, server.receivedLines)
    }

    @Test func sendsTheTransactionWithAuthLoginAndDotStuffedData() async throws {
        let (result, lines) = try await send(ScriptedSMTPServer.Script { line in
            switch line {
            case "AUTH LOGIN": "334 VXNlcm5hbWU6"
            case "bWFpbGVy": "334 UGFzc3dvcmQ6"  // "mailer"
            case "czNjcmV0": "235 2.7.0 Authentication successful"  // "s3cret"
            default: ScriptedSMTPServer.standardReply(to: line)
            }
        }, url: { "smtp://mailer:s3cret@127.0.0.1:\($0)/client.test" })
        #expect(try result.get() == "<wire@shop.test>")
        let size = try #require(lines.first { $0.hasPrefix("MAIL FROM") }?.split(separator: "=").last.flatMap { Int($0) })
        #expect(Array(lines.prefix(6)) == [
            "EHLO client.test", "AUTH LOGIN", "bWFpbGVy", "czNjcmV0",
            "MAIL FROM:<shop@example.com> SIZE=\(size)", "RCPT TO:<a@example.org>",
        ])
        #expect(lines.contains("RCPT TO:<b@example.org>"))
        // RFC 5321 §4.5.2: a line starting with "." gets one more; the data ends with ".".
        #expect(lines.contains("..leading dot"))
        #expect(lines.contains("...two dots"))
        #expect(lines.suffix(2) == [".", "QUIT"])
        #expect(lines.contains("Content-Transfer-Encoding: quoted-printable"))
    }

    @Test func aRefusedRecipientFailsTheSendPermanentlyBeforeAnyData() async throws {
        let (result, lines) = try await send(ScriptedSMTPServer.Script { line in
            line == "RCPT TO:<b@example.org>" ? "550 5.1.1 No such user" : ScriptedSMTPServer.standardReply(to: line)
        })
        let error = try #require(result.failure)
        #expect(error.kind == .rejected)
        #expect(error.responseCode == 550)
        #expect(!error.isTransient && !error.isServerUnreachable)
        #expect(error.message.contains("RCPT TO:<b@example.org>") && error.message.contains("No such user"))
        #expect(!lines.contains("DATA"))
    }

    @Test func aBusyServerIsTransientButNotAnOutage() async throws {
        let (result, _) = try await send(ScriptedSMTPServer.Script(greeting: "421 4.3.2 Too busy, try later"))
        let error = try #require(result.failure)
        #expect(error.responseCode == 421)
        #expect(error.isTransient && !error.isServerUnreachable)
    }

    @Test func aServerThatOnlyKnowsHELOIsStillUsed() async throws {
        let (result, lines) = try await send(ScriptedSMTPServer.Script { line in
            line.hasPrefix("EHLO") ? "502 5.5.2 Command not implemented"
                : line.hasPrefix("HELO") ? "250 scripted.test" : ScriptedSMTPServer.standardReply(to: line)
        })
        #expect(result.failure == nil)
        #expect(lines.prefix(3) == ["EHLO client.test", "HELO client.test", "MAIL FROM:<shop@example.com>"])
    }

    @Test func aServerThatHangsUpBeforeItsGreetingIsUnreachable() async throws {
        let (result, _) = try await send(ScriptedSMTPServer.Script(greeting: ScriptedSMTPServer.closeConnection))
        let error = try #require(result.failure)
        #expect(error.kind == .connectionFailed)
        #expect(error.isServerUnreachable && error.isTransient)
    }

    @Test func aServerThatGoesSilentAfterItsGreetingTimesOut() async throws {
        let started = ContinuousClock.now
        let (result, lines) = try await send(ScriptedSMTPServer.Script { line in
            line.hasPrefix("EHLO") ? nil : ScriptedSMTPServer.standardReply(to: line)
        }, timeout: .seconds(5))
        let error = try #require(result.failure)
        // It greeted, so this is a timed-out send, not an unreachable server.
        #expect(error.kind == .timedOut)
        #expect(error.isTransient && !error.isServerUnreachable)
        #expect(!lines.contains { $0.hasPrefix("MAIL") })
        // The deadline, not the server, ended it (with room for a loaded machine).
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(5) && elapsed < .seconds(30))
    }

    @Test func garbageFromTheServerIsAProtocolViolation() async throws {
        let (result, _) = try await send(ScriptedSMTPServer.Script { line in
            line.hasPrefix("EHLO") ? "HTTP/1.1 400 Bad Request" : ScriptedSMTPServer.standardReply(to: line)
        })
        let error = try #require(result.failure)
        #expect(error.kind == .protocolViolation)
        #expect(error.message.contains("HTTP/1.1 400"))
    }

    @Test func requiredTLSIsNeverSkipped() async throws {
        let (result, lines) = try await send(ScriptedSMTPServer.Script(), url: { "smtp://127.0.0.1:\($0)?starttls=required" })
        let error = try #require(result.failure)
        #expect(error.kind == .tlsFailed)
        #expect(!error.isTransient)
        #expect(error.message.contains("does not offer STARTTLS"))
        #expect(!lines.contains { $0.hasPrefix("MAIL") })
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
