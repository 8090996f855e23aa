import Foundation
import Testing

@testable import shopctl

@Suite("shopctl: working out a dead-letter queue's delivery limit")
struct ShopctlDeliveryLimitUnitTests {
    static func queue(_ json: String) throws -> ManagementQueue {
        try JSONDecoder().decode(ManagementQueue.self, from: Data(json.utf8))
    }

    static func policy(_ name: String, pattern: String, applyTo: String = "queues", priority: Int = 0, limit: Int?) throws -> ManagementPolicy {
        let definition = limit.map { #"{"delivery-limit":\#($0)}"# } ?? #"{"max-length":10}"#
        let json = #"{"vhost":"/","name":"\#(name)","pattern":"\#(pattern)","apply-to":"\#(applyTo)","definition":\#(definition),"priority":\#(priority)}"#
        return try JSONDecoder().decode(ManagementPolicy.self, from: Data(json.utf8))
    }

    static let plain = #"{"name":"checkout.dead","type":"quorum","arguments":{"x-queue-type":"quorum"},"policy":"","operator_policy":"","effective_policy_definition":[]}"#

    @Test("no argument and no policy: no limit on RabbitMQ 3, the default 20 on RabbitMQ 4")
    func defaults() throws {
        let queue = try Self.queue(Self.plain)
        #expect(queue.policy == nil, "\"\" means no policy")
        #expect(queue.effectivePolicyDefinition == nil || queue.effectivePolicyDefinition?.isEmpty == true)
        #expect(DeliveryLimit.of(queue: queue, policies: [], operatorPolicies: [], brokerMajorVersion: 3) == .unlimited)
        guard case .limited(20, _) = DeliveryLimit.of(queue: queue, policies: [], operatorPolicies: [], brokerMajorVersion: 4) else {
            Issue.record("RabbitMQ 4 applies 20")
            return
        }
    }

    @Test("x-delivery-limit -1: dropping at the first return on RabbitMQ 3, no limit on RabbitMQ 4")
    func minusOne() throws {
        let queue = try Self.queue(#"{"name":"q.dead","type":"quorum","arguments":{"x-queue-type":"quorum","x-delivery-limit":-1}}"#)
        #expect(DeliveryLimit.of(queue: queue, policies: [], operatorPolicies: [], brokerMajorVersion: 3) == .limited(0, source: "the queue argument x-delivery-limit"))
        #expect(DeliveryLimit.of(queue: queue, policies: [], operatorPolicies: [], brokerMajorVersion: 4) == .unlimited)
    }

    @Test("the highest-priority matching policy counts; the smallest limit of argument, policy and operator policy wins")
    func policies() throws {
        let queue = try Self.queue(Self.plain)
        let everything = try Self.policy("all-queues", pattern: ".*", limit: 50)
        let dead = try Self.policy("dead", pattern: "\\\\.dead$", priority: 5, limit: 8)
        let exchanges = try Self.policy("exchanges", pattern: ".*", applyTo: "exchanges", priority: 9, limit: 1)
        let unrelated = try Self.policy("other", pattern: "^orders", priority: 9, limit: 1)
        let shadowing = try Self.policy("shadow", pattern: "checkout", priority: 6, limit: nil)

        #expect(DeliveryLimit.of(queue: queue, policies: [everything], operatorPolicies: [], brokerMajorVersion: 3) == .limited(50, source: "the policy 'all-queues'"))
        #expect(DeliveryLimit.of(queue: queue, policies: [everything, dead, exchanges, unrelated], operatorPolicies: [], brokerMajorVersion: 3) == .limited(8, source: "the policy 'dead'"))
        #expect(DeliveryLimit.of(queue: queue, policies: [everything, dead, shadowing], operatorPolicies: [], brokerMajorVersion: 3) == .unlimited, "a higher-priority policy without a limit applies instead")
        #expect(
            DeliveryLimit.of(queue: queue, policies: [dead], operatorPolicies: [try Self.policy("cap", pattern: ".*", limit: 3)], brokerMajorVersion: 3)
                == .limited(3, source: "the operator policy 'cap'")
        )
    }

    @Test("the statistics' effective policy counts too, and classic queues have no limit")
    func effectiveAndClassic() throws {
        let reported = try Self.queue(#"{"name":"q.dead","type":"quorum","policy":"p","effective_policy_definition":{"delivery-limit":4}}"#)
        #expect(DeliveryLimit.of(queue: reported, policies: [], operatorPolicies: [], brokerMajorVersion: 3) == .limited(4, source: "the queue's effective policy (p)"))
        let classic = try Self.queue(#"{"name":"q.dead","type":"classic","arguments":{"x-delivery-limit":1}}"#)
        #expect(DeliveryLimit.of(queue: classic, policies: [], operatorPolicies: [], brokerMajorVersion: 4) == .unlimited)
    }

    @Test("policy patterns are unanchored regular expressions")
    func patterns() {
        #expect(DeliveryLimit.matches(pattern: "dead", name: "checkout.dead"))
        #expect(DeliveryLimit.matches(pattern: "^checkout\\.dead$", name: "checkout.dead"))
        #expect(!DeliveryLimit.matches(pattern: "^checkout$", name: "checkout.dead"))
        #expect(DeliveryLimit.matches(pattern: "([", name: "anything"), "an unreadable pattern counts as matching")
    }
}
