import ArgumentParser
import Foundation
import Messaging

/// `shopctl queues status [QUEUE...]`: ready, unacknowledged, consumers and rates of each
/// work, retry and dead-letter queue, from the management API; with the API unreachable,
/// ready and consumers from passive declares.
struct QueuesStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show ready, unacked, consumers and rates of work, retry and dead-letter queues.",
        discussion: """
            Counts and rates (messages per second over the broker's last sampling period) come from the \
            management API (RABBITMQ_MANAGEMENT_URL); they lag by up to the broker's statistics interval \
            (5 s by default); for a queue the broker has no statistics of yet (just declared, or just after \
            a restart), ready and consumers come from a passive declare and unacked is unknown. When the API is \
            unreachable, ready messages and consumers come from passive declares over AMQP instead, and the \
            output says so ("source": "passive-declare").
            """
    )

    @Argument(help: "Work queues of queues.yaml (default: all).")
    var queues: [String] = []

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let names = queues
        try await CommandOutput(output).run {
            let environment = CommandEnvironment()
            let topology = try environment.queuesConfiguration().knownPolicies(names).flatMap(\.topology)
            do {
                let statuses = try await environment.withManagementAPI { management in
                    _ = try await management.overview()  // proves the URL is the API, and the credentials work
                    var statuses: [QueueStatus] = []
                    for queue in topology {
                        statuses.append(QueueStatus(queue, management: try await management.queue(queue.name)))
                    }
                    return statuses
                }
                return StatusReport(
                    source: .managementAPI, managementError: nil, queues: await Self.completed(statuses, environment: environment)
                )
            } catch let error as ManagementAPIError {
                let statuses = try await environment.withAMQP(command: "queues status") { connection in
                    var statuses: [QueueStatus] = []
                    for queue in topology {
                        statuses.append(QueueStatus(queue, passive: try await connection.queueState(queue.name)))
                    }
                    return statuses
                }
                return StatusReport(source: .passiveDeclare, managementError: error.description, queues: statuses)
            }
        }
    }
}

extension QueuesStatusCommand {
    /// `statuses` with the ready and consumer counts the management API did not have yet
    /// (its statistics for a queue appear a few seconds after the queue or the broker starts)
    /// taken from passive declares; unchanged if RabbitMQ cannot be reached either.
    static func completed(_ statuses: [QueueStatus], environment: CommandEnvironment) async -> [QueueStatus] {
        guard statuses.contains(where: \.isIncomplete) else { return statuses }
        let completed = try? await environment.withAMQP(command: "queues status") { connection in
            var completed = statuses
            for index in completed.indices where completed[index].isIncomplete {
                guard let state = try await connection.queueState(completed[index].name) else { continue }
                completed[index].ready = completed[index].ready ?? state.messageCount
                completed[index].consumers = completed[index].consumers ?? state.consumerCount
            }
            return completed
        }
        return completed ?? statuses
    }
}

/// One queue's state, as `queues status` reports it.
struct QueueStatus: Encodable, Sendable {
    /// Messages per second over the broker's last sampling period.
    struct Rates: Encodable, Sendable {
        var publish: Double
        var deliver: Double
        var ack: Double
    }

    var name: String
    var workQueue: String
    var role: QueueRole
    /// False when the queue is not declared.
    var exists: Bool
    var ready: Int?
    /// Delivered, not yet acknowledged (management API only).
    var unacked: Int?
    var consumers: Int?
    /// Management API only.
    var rates: Rates?

    /// Whether the queue exists but its ready or consumer count is unknown.
    var isIncomplete: Bool { exists && (ready == nil || consumers == nil) }

    init(_ queue: TopologyQueue, management info: ManagementQueue?) {
        name = queue.name
        workQueue = queue.workQueue
        role = queue.role
        exists = info != nil
        ready = info?.messagesReady
        unacked = info?.messagesUnacknowledged
        consumers = info?.consumers
        if let info {
            let stats = info.messageStats
            rates = Rates(
                publish: stats?.publishDetails?.rate ?? 0, deliver: stats?.deliverGetDetails?.rate ?? 0,
                ack: stats?.ackDetails?.rate ?? 0
            )
        }
    }

    init(_ queue: TopologyQueue, passive state: QueueState?) {
        name = queue.name
        workQueue = queue.workQueue
        role = queue.role
        exists = state != nil
        ready = state?.messageCount
        consumers = state?.consumerCount
    }

    // Unknown values are written as null, so every queue has the same keys.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(workQueue, forKey: .workQueue)
        try container.encode(role, forKey: .role)
        try container.encode(exists, forKey: .exists)
        try container.encode(ready, forKey: .ready)
        try container.encode(unacked, forKey: .unacked)
        try container.encode(consumers, forKey: .consumers)
        try container.encode(rates, forKey: .rates)
    }

    private enum CodingKeys: String, CodingKey {
        case name, workQueue, role, exists, ready, unacked, consumers, rates
    }
}

/// What `queues status` reports.
struct StatusReport: CommandReport {
    /// Where the numbers come from.
    enum Source: String, Encodable, Sendable {
        case managementAPI = "management-api"
        case passiveDeclare = "passive-declare"
    }

    var source: Source
    /// Why the management API could not be used, when it could not.
    var managementError: String?
    var queues: [QueueStatus]

    var text: String {
        var lines: [String] = []
        if let managementError {
            lines.append("note: \(managementError)")
            lines.append("note: falling back to passive declares over AMQP: ready and consumers only, no unacked counts or rates")
            lines.append("")
        }
        let table = TextTable(
            header: ["QUEUE", "ROLE", "READY", "UNACKED", "CONSUMERS", "PUBLISH/s", "DELIVER/s", "ACK/s"],
            rows: queues.map { status in
                guard status.exists else {
                    return [status.name, status.role.rawValue, "not declared"]
                }
                return [
                    status.name, status.role.rawValue, Self.count(status.ready), Self.count(status.unacked), Self.count(status.consumers),
                    Self.rate(status.rates?.publish), Self.rate(status.rates?.deliver), Self.rate(status.rates?.ack),
                ]
            },
            rightAligned: [2, 3, 4, 5, 6, 7]
        )
        lines.append(table.rendered)
        return lines.joined(separator: "\n")
    }

    private static func count(_ value: Int?) -> String {
        value.map(String.init) ?? "-"
    }

    private static func rate(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.1f", value)
    }
}

extension StatusReport {
    // Written out so that `managementError` appears as null when the API answered.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(managementError, forKey: .managementError)
        try container.encode(queues, forKey: .queues)
    }

    private enum CodingKeys: String, CodingKey {
        case source, managementError, queues
    }
}
