import Foundation
import Testing

@testable import Messaging

@Suite("queues.yaml parsing and validation")
struct QueuesConfigurationTests {
    /// The repository's own queues.yaml.
    static let repositoryQueuesFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("queues.yaml").path

    @Test("the repository's queues.yaml: defaults apply, per-queue keys override them")
    func repositoryFile() throws {
        let configuration = try QueuesConfiguration(contentsOfFile: Self.repositoryQueuesFile)
        #expect(Set(configuration.queues.keys) == ["checkout", "update-inventory", "clear-cart", "send-email"])

        let checkout = try configuration.policy(for: "checkout")
        #expect(checkout.prefetch == 128)
        #expect(checkout.concurrency == 2)
        #expect(checkout.maxAttempts == 5)
        #expect(checkout.deliveryLimit == 20)
        #expect(checkout.backoff == BackoffPolicy(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: 0.2))
        #expect(checkout.batch == BatchPolicy(size: 32, wait: .milliseconds(50)))

        let inventory = try configuration.policy(for: "update-inventory")
        #expect(inventory.prefetch == 128)
        #expect(inventory.concurrency == 2)
        #expect(inventory.batch == BatchPolicy(size: 32, wait: .milliseconds(50)))

        let clearCart = try configuration.policy(for: "clear-cart")
        #expect(clearCart.prefetch == 16)
        #expect(clearCart.concurrency == 8)

        let sendEmail = try configuration.policy(for: "send-email")
        #expect(sendEmail.prefetch == 128)
        #expect(sendEmail.concurrency == 2)
        #expect(sendEmail.batch == BatchPolicy(size: 32, wait: .milliseconds(50)))
    }

    @Test("nested backoff keys override one by one; batch overlays and can be switched off")
    func nestedOverrides() throws {
        let configuration = try QueuesConfiguration(yaml: """
            defaults:
              maxAttempts: 3
              backoff: { initial: 250ms, multiplier: 3, max: 5m, jitter: 0 }
              batch: { size: 50, wait: 200ms }
            queues:
              a:
                backoff: { initial: 2s }
                batch: { size: 10 }
              b:
                batch: null
              c:
            """)
        let a = try configuration.policy(for: "a")
        #expect(a.maxAttempts == 3)
        #expect(a.backoff == BackoffPolicy(initial: .seconds(2), multiplier: 3, max: .seconds(300), jitter: 0))
        #expect(a.batch == BatchPolicy(size: 10, wait: .milliseconds(200)))
        #expect(try configuration.policy(for: "b").batch == nil)
        let c = try configuration.policy(for: "c")
        #expect(c.backoff.initial == .milliseconds(250))
        #expect(c.batch == BatchPolicy(size: 50, wait: .milliseconds(200)))
        #expect(c.prefetch == 16, "built-in default when defaults has no prefetch")
    }

    @Test("an unknown queue names itself and the known ones")
    func unknownQueue() throws {
        let configuration = try QueuesConfiguration(yaml: "queues:\n  a: {}\n")
        let error = #expect(throws: QueuesConfigurationError.self) { try configuration.policy(for: "nope") }
        #expect(error?.keyPath == "queues.nope")
        #expect(error?.description.contains("defined: a") == true)
    }

    @Test("a missing file is an error naming the path")
    func missingFile() {
        let error = #expect(throws: QueuesConfigurationError.self) {
            try QueuesConfiguration(contentsOfFile: "/nonexistent/queues.yaml")
        }
        #expect(error?.description.contains("/nonexistent/queues.yaml") == true)
    }

    @Test("the exact message for a bad duration")
    func badDurationMessage() {
        let error = #expect(throws: QueuesConfigurationError.self) {
            try QueuesConfiguration(yaml: "queues:\n  checkout:\n    backoff:\n      initial: soon\n")
        }
        #expect(error?.description == "queues.checkout.backoff.initial: expected a duration like 250ms, 1s or 5m, got 'soon'")
    }

    static let invalidDocuments: [(yaml: String, keyPath: String, problem: String)] = [
        ("queues:\n  a: { prefetch: 0 }", "queues.a.prefetch", "from 1 to 65535, got '0'"),
        ("queues:\n  a: { prefetch: 65536 }", "queues.a.prefetch", "from 1 to 65535"),
        ("queues:\n  a: { prefetch: many }", "queues.a.prefetch", "got 'many'"),
        ("defaults: { concurrency: 0 }\nqueues:\n  a: {}", "defaults.concurrency", "from 1"),
        ("queues:\n  a: { maxAttempts: 0 }", "queues.a.maxAttempts", "from 1"),
        ("queues:\n  a: { deliveryLimit: -3 }", "queues.a.deliveryLimit", "got '-3'"),
        ("queues:\n  a: { backoff: { initial: 0s } }", "queues.a.backoff.initial", "expected a duration"),
        ("queues:\n  a: { backoff: { initial: 1.5s } }", "queues.a.backoff.initial", "expected a duration"),
        ("queues:\n  a: { backoff: { max: 10 } }", "queues.a.backoff.max", "expected a duration"),
        ("queues:\n  a: { backoff: { initial: 2m, max: 1m } }", "queues.a.backoff.max", "at least backoff.initial (2m)"),
        ("queues:\n  a: { backoff: { multiplier: 0.5 } }", "queues.a.backoff.multiplier", "from 1 to 100"),
        ("queues:\n  a: { backoff: { jitter: 1 } }", "queues.a.backoff.jitter", "less than 1"),
        ("queues:\n  a: { backoff: { jitter: -0.1 } }", "queues.a.backoff.jitter", "at least 0"),
        ("queues:\n  a: { backoff: { jiter: 0.1 } }", "queues.a.backoff.jiter", "unknown key"),
        ("queues:\n  a: { backoff: 5s }", "queues.a.backoff", "expected a mapping"),
        ("defaults: { prefech: 3 }\nqueues:\n  a: {}", "defaults.prefech", "unknown key"),
        ("queues:\n  a: { concurency: 3 }", "queues.a.concurency", "unknown key"),
        ("queue:\n  a: {}", "queue", "unknown key"),
        ("defaults: {}", "queues", "missing"),
        ("queues: {}", "queues", "at least one queue"),
        ("queues:\n  a: [1, 2]", "queues.a", "expected a mapping"),
        ("queues:\n  a: { batch: { size: 0, wait: 1s } }", "queues.a.batch.size", "from 1"),
        ("queues:\n  a: { batch: { size: 5 } }", "queues.a.batch.wait", "missing"),
        ("queues:\n  a: { batch: { size: 5, wait: later } }", "queues.a.batch.wait", "got 'later'"),
        ("queues:\n  amq.things: {}", "queues.amq.things", "reserved"),
        ("queues:\n  'bad name': {}", "queues.bad name", "only letters"),
        ("- just\n- a list", "", "expected a mapping"),
        ("queues: [unclosed", "", "not valid YAML"),
    ]

    @Test("every validation error names its key", arguments: invalidDocuments)
    func validationErrors(document: (yaml: String, keyPath: String, problem: String)) {
        let error = #expect(throws: QueuesConfigurationError.self) { try QueuesConfiguration(yaml: document.yaml) }
        #expect(error?.keyPath == document.keyPath, "\(error?.description ?? "no error")")
        #expect(error?.problem.contains(document.problem) == true, "\(error?.description ?? "no error")")
    }

    @Test("durations parse and format exactly")
    func durations() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1s") == .seconds(1))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("1h") == .seconds(3600))
        for invalid in ["", "s", "10", "1.5s", "-1s", "0ms", "1d", " 1s", "1 s", "１s"] {
            #expect(DurationText.parse(invalid) == nil, "\(invalid)")
        }
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationText.format(.seconds(16)) == "16s")
        #expect(DurationText.format(.seconds(120)) == "2m")
        #expect(DurationText.format(.seconds(7200)) == "2h")
    }

    @Test("the test stack's queues file has the same queues and policies, only shorter retries")
    func testStackQueuesMirrorTheRepository() throws {
        let repository = try QueuesConfiguration(contentsOfFile: Self.repositoryQueuesFile)
        let testFile = URL(fileURLWithPath: Self.repositoryQueuesFile).deletingLastPathComponent()
            .appendingPathComponent("scripts/stacks/test.queues.yaml").path
        let test = try QueuesConfiguration(contentsOfFile: testFile)
        #expect(Set(test.queues.keys) == Set(repository.queues.keys))
        for (name, policy) in repository.queues {
            let testPolicy = try test.policy(for: name)
            #expect(testPolicy.prefetch == policy.prefetch, "\(name).prefetch")
            #expect(testPolicy.concurrency == policy.concurrency, "\(name).concurrency")
            #expect(testPolicy.batch == policy.batch, "\(name).batch")
            #expect(testPolicy.deliveryLimit == policy.deliveryLimit, "\(name).deliveryLimit")
            #expect(testPolicy.backoff.max <= .seconds(2), "\(name): the test stack keeps retries short")
        }
    }
}
