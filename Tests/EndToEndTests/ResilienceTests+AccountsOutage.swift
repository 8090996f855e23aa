import Contracts
import Foundation
import Testing
import TestSupport

/// Registration while RabbitMQ is down: `503` and nothing left behind. Part of the
/// Resilience suite, which runs last and alone: stopping the broker would fail the
/// registrations of every other suite running beside it.
extension ResilienceTests {
    @Test("RabbitMQ down: register answers 503 with Retry-After and keeps no account; once it is back the same email registers")
    func registerWhileTheBrokerIsDown() async throws {
        let shop = try Shop()
        let email = "\(TestEnvironment.unique("outage"))@example.com"
        let request = RegisterRequest(email: email, password: Shop.customerPassword, name: "Patient")
        try await StackControl.run("stop rabbitmq")
        let during: APIClient.Reply
        do {
            during = try await shop.api.send(.POST, "/auth/register", json: request)
        } catch {
            try await StackControl.run("start rabbitmq")
            throw error
        }
        try await StackControl.run("start rabbitmq")
        expectProblem(during, 503)
        #expect(during.headers.first(name: "retry-after") != nil)

        // No user row was left behind: the email is free, and registering works once the broker is back.
        let after = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(500)) { () async throws -> APIClient.Reply? in
            let reply = try await shop.api.send(.POST, "/auth/register", json: request)
            return reply.status == 503 ? nil : reply
        }
        #expect(after?.status == 201, "after the outage: \(after?.status ?? 0) \(after?.text ?? "")")
    }
}
