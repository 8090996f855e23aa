import Contracts

/// A queue as `GET /api/queues/<vhost>/<name>` describes it (the fields shopctl reads).
///
/// Counts and rates come from statistics the broker emits every few seconds, so they may be
/// absent for a queue declared a moment ago.
struct ManagementQueue: Decodable, Sendable {
    /// Rates of the last sampling period, per second.
    struct MessageStats: Decodable, Sendable {
        struct Rate: Decodable, Sendable {
            var rate: Double
        }

        var publishDetails: Rate?
        var deliverGetDetails: Rate?
        var ackDetails: Rate?

        enum CodingKeys: String, CodingKey {
            case publishDetails = "publish_details"
            case deliverGetDetails = "deliver_get_details"
            case ackDetails = "ack_details"
        }
    }

    var name: String
    /// `quorum`, `classic` or `stream`.
    var type: String?
    var messagesReady: Int?
    var messagesUnacknowledged: Int?
    var consumers: Int?
    var messageStats: MessageStats?
    /// The `x-` arguments the queue was declared with.
    var arguments: [String: JSONValue]?
    /// The policy applied to it, as of the last statistics emission.
    var policy: String?
    /// The operator policy applied to it, as of the last statistics emission.
    var operatorPolicy: String?
    /// The merged definition of both policies, as of the last statistics emission.
    var effectivePolicyDefinition: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case name, type, consumers, arguments, policy
        case messagesReady = "messages_ready"
        case messagesUnacknowledged = "messages_unacknowledged"
        case messageStats = "message_stats"
        case operatorPolicy = "operator_policy"
        case effectivePolicyDefinition = "effective_policy_definition"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        messagesReady = try container.decodeIfPresent(Int.self, forKey: .messagesReady)
        messagesUnacknowledged = try container.decodeIfPresent(Int.self, forKey: .messagesUnacknowledged)
        consumers = try container.decodeIfPresent(Int.self, forKey: .consumers)
        messageStats = try? container.decodeIfPresent(MessageStats.self, forKey: .messageStats)
        arguments = try container.decodeIfPresent([String: JSONValue].self, forKey: .arguments)
        // The API writes "" (not null) for "no policy", and an empty list for an empty definition.
        policy = (try? container.decodeIfPresent(String.self, forKey: .policy)).flatMap { $0?.isEmpty == false ? $0 : nil }
        operatorPolicy = (try? container.decodeIfPresent(String.self, forKey: .operatorPolicy)).flatMap { $0?.isEmpty == false ? $0 : nil }
        effectivePolicyDefinition = try? container.decodeIfPresent([String: JSONValue].self, forKey: .effectivePolicyDefinition)
    }
}

/// `GET /api/overview`, the fields shopctl reads.
struct ManagementOverview: Decodable, Sendable {
    /// The broker's version, e.g. `3.10.8`.
    var rabbitmqVersion: String

    enum CodingKeys: String, CodingKey {
        case rabbitmqVersion = "rabbitmq_version"
    }

    /// The major version: 3 for `3.10.8`.
    var majorVersion: Int? {
        rabbitmqVersion.split(separator: ".").first.flatMap { Int($0) }
    }
}

/// A policy or operator policy of `GET /api/policies/<vhost>`.
struct ManagementPolicy: Decodable, Sendable {
    var name: String
    /// A regular expression the names of the queues (or exchanges) it applies to match.
    var pattern: String
    /// `queues`, `exchanges`, `all`, or in RabbitMQ 4 `quorum_queues`, `classic_queues`, `streams`.
    var applyTo: String
    var priority: Int
    var definition: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case name, pattern, priority, definition
        case applyTo = "apply-to"
    }
}
