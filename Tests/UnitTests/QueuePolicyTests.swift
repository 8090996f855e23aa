import Testing

@testable import Messaging

@Suite("queue policy: backoff delays, retry queues, declarations")
struct QueuePolicyTests {
    static func policy(
        name: String = "checkout", maxAttempts: Int = 5,
        backoff: BackoffPolicy = BackoffPolicy(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: 0.2)
    ) -> QueuePolicy {
        QueuePolicy(name: name, prefetch: 16, concurrency: 8, maxAttempts: maxAttempts, deliveryLimit: 20, backoff: backoff)
    }

    @Test("attempt 2 waits initial, each later attempt multiplier times longer, capped at max")
    func backoffDelays() {
        let doubling = BackoffPolicy(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: 0)
        #expect(doubling.delay(beforeAttempt: 1) == .zero)
        #expect(doubling.delay(beforeAttempt: 2) == .seconds(1))
        #expect(doubling.delay(beforeAttempt: 3) == .seconds(2))
        #expect(doubling.delay(beforeAttempt: 4) == .seconds(4))
        #expect(doubling.delay(beforeAttempt: 8) == .seconds(60), "64 s capped at 1m")
        #expect(doubling.delay(beforeAttempt: 1000) == .seconds(60))

        let fractional = BackoffPolicy(initial: .milliseconds(1000), multiplier: 1.5, max: .seconds(10), jitter: 0)
        #expect(fractional.delay(beforeAttempt: 4) == .milliseconds(2250))

        let constant = BackoffPolicy(initial: .milliseconds(250), multiplier: 1, max: .milliseconds(250), jitter: 0)
        #expect(constant.delay(beforeAttempt: 9) == .milliseconds(250))
    }

    @Test("jitter only shortens a delay, by at most jitter × delay")
    func jitter() {
        let backoff = BackoffPolicy(initial: .seconds(10), multiplier: 2, max: .seconds(60), jitter: 0.2)
        #expect(backoff.jitteredDelay(beforeAttempt: 2, unit: 0) == .seconds(10))
        #expect(backoff.jitteredDelay(beforeAttempt: 2, unit: 1) == .seconds(8))
        #expect(backoff.jitteredDelay(beforeAttempt: 2, unit: 0.5) == .seconds(9))
        for _ in 0..<100 {
            let delay = backoff.jitteredDelay(beforeAttempt: 3)
            #expect(delay >= .seconds(16) && delay <= .seconds(20))
        }
    }

    @Test("retry queues are named after their delay; the dead-letter queue after the queue")
    func names() {
        let policy = Self.policy()
        #expect(policy.deadLetterQueue == "checkout.dead")
        #expect(policy.retryQueue(forAttempt: 2) == "checkout.retry.1s")
        #expect(policy.retryQueue(forAttempt: 3) == "checkout.retry.2s")
        #expect(policy.retryQueue(forAttempt: 5) == "checkout.retry.8s")
        #expect(policy.retryQueue(forAttempt: 1) == "checkout.retry.1s", "attempt 1 has no delay; it maps to attempt 2")
        #expect(policy.retryDelays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test("one delay queue per distinct delay")
    func distinctDelays() {
        let capped = Self.policy(maxAttempts: 6, backoff: BackoffPolicy(initial: .seconds(30), multiplier: 2, max: .seconds(60), jitter: 0))
        #expect(capped.retryDelays == [.seconds(30), .seconds(60)])
        #expect(capped.declarations.map(\.name) == ["checkout.dead", "checkout", "checkout.retry.30s", "checkout.retry.1m"])
        #expect(Self.policy(maxAttempts: 1).retryDelays.isEmpty)
        #expect(Self.policy(maxAttempts: 1).declarations.map(\.name) == ["checkout.dead", "checkout"])
    }

    @Test("declarations: quorum queues, at-least-once dead-lettering, TTL on delay queues")
    func declarations() {
        let declarations = Self.policy().declarations
        #expect(declarations.map(\.name) == [
            "checkout.dead", "checkout", "checkout.retry.1s", "checkout.retry.2s", "checkout.retry.4s", "checkout.retry.8s",
        ])
        #expect(declarations[0].arguments == ["x-queue-type": "quorum"])
        #expect(declarations[1].arguments == [
            "x-queue-type": "quorum",
            "x-delivery-limit": 20,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "checkout.dead",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ])
        #expect(declarations[3].arguments == [
            "x-queue-type": "quorum",
            "x-message-ttl": 2000,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "checkout",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ])
    }

    @Test("the configuration's declarations cover every queue, by name")
    func configurationDeclarations() throws {
        let configuration = try QueuesConfiguration(yaml: "defaults: { maxAttempts: 2 }\nqueues:\n  b: {}\n  a: {}\n")
        #expect(configuration.declarations.map(\.name) == ["a.dead", "a", "a.retry.1s", "b.dead", "b", "b.retry.1s"])
    }
}
