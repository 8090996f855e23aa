import Contracts
import Foundation

/// Whether the broker drops (or dead-letters) a message of a queue after it was returned to
/// the queue too often, and what sets that limit.
///
/// Why shopctl cares: RabbitMQ offers no way to read a queue without taking messages, and a
/// quorum queue counts every message taken with `basic.get` and returned (`basic.reject` with
/// requeue, or the channel closing) as a delivery: `x-delivery-count` goes up by one. Checked on
/// RabbitMQ 3.10.8: with a delivery limit L, the return that makes the count exceed L drops the
/// message (dead-letters it if the queue has a dead-letter exchange); without one the count just
/// grows and nothing is dropped; order is kept. The dead-letter queues `queues.yaml` declares
/// have no `x-delivery-limit` argument, which on RabbitMQ 3.x means no limit. But a policy can
/// set `delivery-limit`, RabbitMQ 4 gives every quorum queue a limit of 20 unless told
/// otherwise, and on 3.x `x-delivery-limit: -1` means "drop at the first return" (verified)
/// while on 4.x it means "no limit". So before any command that returns messages to a
/// dead-letter queue, shopctl works out the limit and refuses when there is one.
enum DeliveryLimit: Sendable, Equatable {
    /// Returning messages never drops them.
    case unlimited
    /// A message is dropped once returned more than `limit` times; `source` says what sets it.
    case limited(Int, source: String)
}

extension DeliveryLimit {
    /// The limit RabbitMQ applies to `queue`, worked out the way the broker does, erring on
    /// the side of a limit: the smallest of the queue's `x-delivery-limit`, the `delivery-limit`
    /// of the policy and of the operator policy that apply to it (or, when priorities tie, of
    /// any of them), and of the policy definition the statistics last reported; with none of
    /// those, 20 on RabbitMQ 4 or later and no limit before. Classic queues and streams have no
    /// delivery limit.
    static func of(
        queue: ManagementQueue, policies: [ManagementPolicy], operatorPolicies: [ManagementPolicy], brokerMajorVersion: Int?
    ) -> DeliveryLimit {
        if let type = queue.type, type != "quorum" { return .unlimited }
        var candidates: [(value: Int, source: String)] = []
        if let value = queue.arguments?["x-delivery-limit"]?.integerValue {
            candidates.append((value, "the queue argument x-delivery-limit"))
        }
        for (kind, list) in [("policy", policies), ("operator policy", operatorPolicies)] {
            for policy in applying(list, to: queue.name) {
                if let value = policy.definition["delivery-limit"]?.integerValue {
                    candidates.append((value, "the \(kind) '\(policy.name)'"))
                }
            }
        }
        if let value = queue.effectivePolicyDefinition?["delivery-limit"]?.integerValue {
            let names = [queue.policy, queue.operatorPolicy].compactMap { $0 }.joined(separator: ", ")
            candidates.append((value, "the queue's effective policy\(names.isEmpty ? "" : " (\(names))")"))
        }

        let isVersion4 = (brokerMajorVersion ?? 4) >= 4
        if isVersion4 {
            // RabbitMQ 4: a negative limit switches the default of 20 off.
            let positive = candidates.filter { $0.value >= 0 }
            if let smallest = positive.min(by: { $0.value < $1.value }) {
                return .limited(smallest.value, source: smallest.source)
            }
            if !candidates.isEmpty { return .unlimited }
            return .limited(20, source: "the default of RabbitMQ 4 and later for quorum queues (set delivery-limit -1 by policy to lift it)")
        }
        // RabbitMQ 3: no limit unless one is set; a negative one drops a message at its first return.
        if let smallest = candidates.min(by: { $0.value < $1.value }) {
            return .limited(max(0, smallest.value), source: smallest.source)
        }
        return .unlimited
    }

    /// The policies that apply to the queue `name`: among those whose pattern matches it and
    /// that apply to queues, the ones of the highest priority (RabbitMQ applies one of them;
    /// when several tie, which one is not specified, so all count).
    static func applying(_ policies: [ManagementPolicy], to name: String) -> [ManagementPolicy] {
        let matching = policies.filter { policy in
            ["all", "queues", "quorum_queues"].contains(policy.applyTo) && matches(pattern: policy.pattern, name: name)
        }
        guard let top = matching.map(\.priority).max() else { return [] }
        return matching.filter { $0.priority == top }
    }

    /// Whether the policy pattern (a regular expression, unanchored like Erlang's `re:run`)
    /// matches `name`; a pattern that does not compile here counts as matching.
    static func matches(pattern: String, name: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return true }
        return expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}

extension JSONValue {
    /// The value as a whole number, if it is one (the API writes integers; a string of digits counts).
    var integerValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value == value.rounded(): Int(value)
        case .string(let text): Int(text)
        default: nil
        }
    }
}
