import Contracts
import Foundation
import Testing
import TestSupport

/// `/emails`: admin-sent emails through the queue, and the email log.
@Suite("Emails")
struct EmailsTests {
    @Test("POST /emails/send (notice) → 202 → caught as multipart/alternative with a UTF-8 subject → in the log as sent")
    func sendNotice() async throws {
        let shop = try Shop()
        let mail = try MailCatcher()
        let admin = try await shop.adminToken()
        let to = "\(TestEnvironment.unique("notice"))@example.com"
        let key = TestEnvironment.unique("notice-key")
        let request = SendEmailRequest(
            to: to, template: "notice", variables: ["subject": .string("Grüße an Zoë ✓"), "body": .string("Bonjour, ça va ?")],
            idempotencyKey: key)
        let reply = try await shop.api.send(.POST, "/emails/send", json: request, token: admin)
        #expect(reply.status == 202, "\(reply.text)")
        let accepted = try reply.decode(SendEmailAccepted.self)
        #expect(accepted.idempotencyKey == key && accepted.to == to && accepted.template == "notice")
        // The same key again is accepted but sent once.
        #expect(try await shop.api.send(.POST, "/emails/send", json: request, token: admin).status == 202)

        let caught = try await mail.awaitMessage(to: to, subject: "Grüße an Zoë ✓")
        #expect(caught.subject.contains("=?UTF-8?B?"), "raw subject: \(caught.subject)")
        #expect(CaughtEmail.decodeSubject(caught.subject) == "Grüße an Zoë ✓")
        #expect(caught.raw.contains("multipart/alternative") && caught.raw.contains("text/plain") && caught.raw.contains("text/html"))
        #expect(CaughtEmail.decodeQuotedPrintable(caught.raw).contains("Bonjour, ça va ?"))

        let entry = try await APIClient.eventually(timeout: .seconds(10), interval: .milliseconds(200)) { () async throws -> [String: String]? in
            let page = try await shop.api.send(.GET, "/emails?recipient=\(to)&status=sent", token: admin)
            let items = page.json["items"] as? [[String: Any]] ?? []
            return items.first?.compactMapValues { $0 as? String }
        }
        let found = try #require(entry, "the email log has no sent email to \(to)")
        #expect(found["idempotencyKey"] == key && found["subject"] == "Grüße an Zoë ✓" && found["status"] == "sent")
        try await Task.sleep(for: .seconds(1))
        #expect(try await mail.messages(to: to).count == 1, "one email per idempotency key")
        let all = try await shop.api.send(.GET, "/emails?recipient=\(to)", token: admin)
        #expect(all.json["total"] as? Int == 1)

        let id = try #require(found["id"])
        let shown = try await shop.api.send(.GET, "/emails/\(id)", token: admin)
        #expect(shown.status == 200 && shown.json["recipient"] as? String == to, "\(shown.text)")
        expectProblem(try await shop.api.send(.GET, "/emails/\(UUID())", token: admin), 404)
    }

    @Test("POST /emails/send: each bad field named, nothing queued; a generated key when none is given")
    func sendFailures() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let bad = try await shop.api.send(
            .POST, "/emails/send", json: SendEmailRequest(to: "nobody", template: "spam", variables: [:], idempotencyKey: "has space"), token: admin)
        expectProblem(bad, 400, field: "to")
        expectProblem(bad, 400, field: "template")
        expectProblem(bad, 400, field: "idempotencyKey")
        let missing = try await shop.api.send(
            .POST, "/emails/send", json: SendEmailRequest(to: "a@example.com", template: "notice", variables: ["body": .string("x")]), token: admin)
        expectProblem(missing, 400, field: "variables.subject")
        let long = try await shop.api.send(
            .POST, "/emails/send",
            json: SendEmailRequest(
                to: "a@example.com", template: "notice",
                variables: ["subject": .string(String(repeating: "s", count: 201)), "body": .string(String(repeating: "b", count: 10_001))]),
            token: admin)
        expectProblem(long, 400, field: "variables.subject")
        expectProblem(long, 400, field: "variables.body")
        expectProblem(try await shop.api.send(.POST, "/emails/send", rawBody: #"{"to":"a@example.com","template":"notice","variables":{},"cc":"x"}"#, token: admin), 400, mentioning: "cc")

        let to = "\(TestEnvironment.unique("generated"))@example.com"
        let generated = try await shop.api.send(
            .POST, "/emails/send", json: SendEmailRequest(to: to, template: "welcome", variables: ["name": .string("Ada")]), token: admin)
        #expect(generated.status == 202, "\(generated.text)")
        #expect((try generated.decode(SendEmailAccepted.self)).idempotencyKey.isEmpty == false)
        _ = try await MailCatcher().awaitMessage(to: to, subject: "Welcome, Ada")
    }

    @Test("GET /emails: page, limit and status checked, each bad one named")
    func listFailures() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let bad = try await shop.api.send(.GET, "/emails?page=x&limit=0&status=lost", token: admin)
        expectProblem(bad, 400, field: "page")
        expectProblem(bad, 400, field: "limit")
        expectProblem(bad, 400, field: "status")
        let ok = try await shop.api.send(.GET, "/emails?limit=2", token: admin)
        #expect(ok.status == 200 && (ok.json["items"] as? [Any])?.count ?? 99 <= 2, "\(ok.text)")
    }
}
