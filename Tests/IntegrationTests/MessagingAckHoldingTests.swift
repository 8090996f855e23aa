import Foundation
import Messaging
import Testing

/// Acks nobody waits for are held back briefly to go out together (`AMQPConfiguration.ackHoldTime`);
/// none may be held for long, and none may be lost on a graceful close.
extension MessagingIntegrationTests {
    /// Takes deliveries from `inbox` until `count` have arrived.
    static func take(_ count: Int, from inbox: DeliveryInbox) async throws -> [Delivery] {
        var deliveries: [Delivery] = []
        try await Broker.eventually("\(count) deliveries (have \(deliveries.count))") {
            deliveries += await inbox.take(upTo: count - deliveries.count, waitingUntil: .now + .milliseconds(200))
            return deliveries.count >= count
        }
        return deliveries
    }

    static func numbered(_ count: Int, queue: String) -> [OutgoingMessage] {
        (0..<count).map { OutgoingMessage(routingKey: queue, body: Array("m\($0)".utf8), properties: MessageProperties(messageID: "m\($0)")) }
    }

    @Test("held acks go out within their hold time, even behind a delivery that is still being handled")
    func heldAcksBehindAGap() async throws {
        let configuration = try Broker.configuration(name: "ack-hold")
        let queue = Broker.uniqueQueue("ack-hold")
        try await Broker.withConnection(configuration) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            try await connection.publish(Self.numbered(20, queue: queue))
            let inbox = connection.subscribe(queue: queue, prefetch: 20)
            let deliveries = try await Self.take(20, from: inbox).sorted { $0.deliveryTag < $1.deliveryTag }
            // The first is still "being handled": every other ack is past that gap.
            for delivery in deliveries.dropFirst() { connection.ackWithoutWaiting(delivery) }
            try await Task.sleep(for: .milliseconds(300))

            // Sent acks survive the connection; unsent ones would be redelivered with the first.
            try await BrokerSideControl.closeConnections(named: configuration.connectionName)
            let redelivered = try await Self.take(1, from: inbox)
            #expect(redelivered.map(\.properties.messageID) == [deliveries[0].properties.messageID])
            #expect(redelivered.first?.redelivered == true)
            let more = await inbox.take(upTo: 20, waitingUntil: .now + .seconds(1))
            #expect(more.compactMap(\.properties.messageID) == [], "only the unacknowledged delivery comes back")
            for delivery in redelivered { connection.ackWithoutWaiting(delivery) }
        }
        try await Broker.withConnection(try Broker.configuration(name: "ack-hold-check")) { checker in
            #expect(try await checker.get(queue: queue) == nil, "the last ack went out before the graceful close")
            try await checker.deleteQueue(queue)
        }
    }

    @Test("a graceful close sends the acks still held, however long they could have been held")
    func heldAcksBeforeClose() async throws {
        var configuration = try Broker.configuration(name: "ack-close")
        configuration.ackHoldTime = .seconds(60)
        let queue = Broker.uniqueQueue("ack-close")
        let acked = try await Broker.withConnection(configuration) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            try await connection.publish(Self.numbered(20, queue: queue))
            let inbox = connection.subscribe(queue: queue, prefetch: 20)
            let deliveries = try await Self.take(20, from: inbox).sorted { $0.deliveryTag < $1.deliveryTag }
            // Three past an unsettled first delivery: held until the close, which sends them.
            let acked = deliveries.dropFirst().prefix(3)
            for delivery in acked { connection.ackWithoutWaiting(delivery) }
            return Set(acked.compactMap(\.properties.messageID))
        }
        try await Broker.withConnection(try Broker.configuration(name: "ack-close-check")) { checker in
            try await Broker.eventually("17 messages back in the queue") {
                try await checker.queueState(queue)?.messageCount == 17
            }
            var returned: Set<String> = []
            while let delivery = try await checker.get(queue: queue) {
                returned.insert(delivery.properties.messageID ?? "")
                try await checker.ack(delivery)
            }
            #expect(returned.count == 17)
            #expect(returned.isDisjoint(with: acked), "an acked message came back: \(returned.intersection(acked))")
            try await checker.deleteQueue(queue)
        }
    }
}
