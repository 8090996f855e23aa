import Foundation
import Messaging
import Testing

/// The Messaging module against a real RabbitMQ (`AMQP_URL`). Serialized: several tests
/// measure time (TTL, heartbeats) and would be noisy beside a 1000-message test on 2 cores.
@Suite("Messaging against a real RabbitMQ", .serialized)
struct MessagingIntegrationTests {
    typealias Broker = MessagingTestBroker

    static let quorum: [String: AMQPValue] = ["x-queue-type": "quorum"]

    static func policy(_ purpose: String, maxAttempts: Int = 3, initialDelay: Duration = .seconds(1)) -> QueuePolicy {
        QueuePolicy(
            name: Broker.uniqueQueue(purpose), prefetch: 10, concurrency: 1, maxAttempts: maxAttempts, deliveryLimit: 5,
            backoff: BackoffPolicy(initial: initialDelay, multiplier: 2, max: .seconds(10), jitter: 0.1)
        )
    }

    /// Polls `basic.get` until a message arrives.
    static func getEventually(_ connection: AMQPConnection, queue: String, timeout: Duration = .seconds(15)) async throws -> Delivery {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let delivery = try await connection.get(queue: queue) { return delivery }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no message arrived in \(queue) within \(timeout)")
        throw MessagingTestBroker.TimedOut(what: "a message in \(queue)")
    }

    /// Message `index` of the bulk test: every property set or varied, headers of every kind.
    static func bulkMessage(_ index: Int, queue: String) -> OutgoingMessage {
        let traceparent = "00-" + String(repeating: "a", count: 32) + "-" + String(repeating: "b", count: 16) + "-01"
        let headers: [String: AMQPValue] = [
            "attempt": .int(Int64(index % 3 + 1)),
            "traceparent": .string(traceparent),
            "flag": .bool(index % 2 == 0),
            "ratio": .double(Double(index) / 8),
            "at": .timestamp(Date(timeIntervalSince1970: 1_600_000_000)),
            "list": .array([.int(Int64(index)), .string("x"), .table(["k": .void])]),
            "nested": .table(["deeper": .table(["index": .int(Int64(index))])]),
        ]
        var properties = MessageProperties(headers: headers)
        properties.messageID = "bulk-\(index)"
        properties.correlationID = "order-\(index % 7)"
        properties.type = "test.bulk"
        properties.timestamp = Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
        properties.contentType = index % 5 == 0 ? nil : "application/json"
        properties.persistent = index % 2 == 0
        properties.expiration = index % 10 == 0 ? "600000" : nil
        properties.replyTo = index % 3 == 0 ? "replies" : nil
        let body: [UInt8] = Array("{\"n\":\(index)}".utf8) + [0, 255, UInt8(index % 256)]
        return OutgoingMessage(routingKey: queue, body: body, properties: properties)
    }

    @Test("declaring is idempotent; queueState reports counts or nil; a conflicting declaration fails with 406")
    func declarations() async throws {
        let policy = Self.policy("declare")
        try await Broker.withConnection(try Broker.configuration(name: "declare")) { connection in
            try await connection.declare(policy.declarations)
            try await connection.declare(policy.declarations)
            for declaration in policy.declarations {
                let state = try await connection.queueState(declaration.name)
                #expect(state == QueueState(name: declaration.name, messageCount: 0, consumerCount: 0))
            }
            #expect(try await connection.queueState(Broker.uniqueQueue("absent")) == nil)

            let conflicting = QueueDeclaration(name: policy.name, arguments: Self.quorum.merging(["x-delivery-limit": 99]) { $1 })
            let error = await #expect(throws: AMQPError.self) { try await connection.declare([conflicting]) }
            guard case .channelClosed(406, let text) = error else {
                Issue.record("expected channelClosed(406), got \(String(describing: error))")
                return
            }
            #expect(text.contains("inequivalent arg"))

            #expect(try await connection.queueState(policy.name) != nil, "the connection still works after a channel error")
            for declaration in policy.declarations { try await connection.deleteQueue(declaration.name) }
            #expect(try await connection.queueState(policy.name) == nil)
        }
    }

    @Test("1000 pipelined publishes are confirmed, consumed with every property intact, and acked")
    func thousandPipelined() async throws {
        let queue = Broker.uniqueQueue("bulk")
        let messages = (0..<1000).map { Self.bulkMessage($0, queue: queue) }
        try await Broker.withConnection(try Broker.configuration(name: "bulk")) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            try await connection.publish(messages)
            try await Broker.eventually("1000 ready messages") {
                try await connection.queueState(queue)?.messageCount == 1000
            }

            try await Broker.withConsumer(connection, queue: queue, prefetch: 200) { collector in
                // Acknowledging as they arrive: prefetch 200 caps the unacknowledged deliveries.
                let deliveries = try await collector.process(1000) { try await connection.ack($0) }
                #expect(deliveries.count == 1000)
                let byID = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.properties.messageID ?? "", $0) })
                #expect(byID.count == 1000)
                for message in messages {
                    let delivery = try #require(byID[message.properties.messageID!])
                    #expect(delivery.body == message.body)
                    #expect(delivery.properties == message.properties)
                    #expect(delivery.routingKey == queue)
                    #expect(delivery.exchange == "")
                    #expect(!delivery.redelivered)
                }
            }
            try await Broker.eventually("the acks to empty the queue") {
                try await connection.queueState(queue)?.messageCount == 0
            }
            #expect(try await connection.get(queue: queue) == nil, "nothing was left unacknowledged and requeued")
            try await connection.deleteQueue(queue)
        }
    }

    @Test("a message no queue accepts fails with unroutable; its batch neighbours succeed; a missing exchange fails only its publish")
    func unroutable() async throws {
        let queue = Broker.uniqueQueue("routable")
        let missing = Broker.uniqueQueue("missing")
        try await Broker.withConnection(try Broker.configuration(name: "unroutable")) { connection in
            await #expect(throws: AMQPError.unroutable(routingKey: missing, reason: "312 NO_ROUTE")) {
                try await connection.publish(OutgoingMessage(routingKey: missing, body: Array("lost".utf8)))
            }

            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            let results = await connection.publishResults([
                OutgoingMessage(routingKey: queue, body: [1], properties: MessageProperties(messageID: "same")),
                OutgoingMessage(routingKey: missing, body: [2], properties: MessageProperties(messageID: "same")),
                OutgoingMessage(routingKey: queue, body: [3], properties: MessageProperties(messageID: "same")),
            ])
            #expect(results.count == 3)
            #expect((try? results[0].get()) != nil)
            #expect(throws: AMQPError.unroutable(routingKey: missing, reason: "312 NO_ROUTE")) { try results[1].get() }
            #expect((try? results[2].get()) != nil)
            try await Broker.eventually("2 routed messages") { try await connection.queueState(queue)?.messageCount == 2 }

            // A missing exchange closes the publishing channel: that publish fails, the next works.
            let error = await #expect(throws: AMQPError.self) {
                try await connection.publish(OutgoingMessage(exchange: "msgtest.no-such-exchange", routingKey: queue, body: [4]))
            }
            guard case .channelClosed(404, _) = error else {
                Issue.record("expected channelClosed(404), got \(String(describing: error))")
                return
            }
            try await connection.publish(OutgoingMessage(routingKey: queue, body: [5]))
            #expect(try await connection.purge(queue: queue) == 3)
            try await connection.deleteQueue(queue)
        }
    }

    @Test("a queue that refuses a message (full, reject-publish) makes the broker nack it")
    func nacked() async throws {
        let queue = Broker.uniqueQueue("full")
        try await Broker.withConnection(try Broker.configuration(name: "nack")) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: ["x-max-length": 1, "x-overflow": "reject-publish"])])
            try await connection.publish(OutgoingMessage(routingKey: queue, body: [1], properties: MessageProperties(messageID: "fits")))
            await #expect(throws: AMQPError.nacked(messageID: "overflows")) {
                try await connection.publish(OutgoingMessage(routingKey: queue, body: [2], properties: MessageProperties(messageID: "overflows")))
            }
            #expect(try await connection.queueState(queue)?.messageCount == 1)
            try await connection.deleteQueue(queue)
        }
    }

    @Test("reject without requeue dead-letters into Q.dead with an x-death header")
    func rejectDeadLetters() async throws {
        let policy = Self.policy("dlx")
        try await Broker.withConnection(try Broker.configuration(name: "dlx")) { connection in
            try await connection.declare(policy.declarations)
            let message = OutgoingMessage(
                routingKey: policy.name, body: Array("{\"poison\":true}".utf8),
                properties: MessageProperties(messageID: "poison-1", type: "test.poison")
            )
            try await connection.publish(message)
            try await Broker.withConsumer(connection, queue: policy.name, prefetch: 1) { collector in
                let delivery = try await collector.wait(for: 1)[0]
                try await connection.reject(delivery, requeue: false)
            }

            let dead = try await Self.getEventually(connection, queue: policy.deadLetterQueue)
            #expect(dead.body == message.body)
            #expect(dead.properties.messageID == "poison-1")
            let death = try #require(dead.properties.headers["x-death"]?.arrayValue?.first?.tableValue)
            #expect(death["reason"] == "rejected")
            #expect(death["queue"] == .string(policy.name))
            #expect(death["count"] == 1)
            try await connection.ack(dead)
            #expect(try await connection.queueState(policy.name)?.messageCount == 0)
            for declaration in policy.declarations { try await connection.deleteQueue(declaration.name) }
        }
    }

    @Test("a delay queue hands the message back to Q after its TTL")
    func delayQueue() async throws {
        let policy = Self.policy("delay", maxAttempts: 2, initialDelay: .seconds(1))
        let retryQueue = policy.retryQueue(forAttempt: 2)
        #expect(retryQueue == "\(policy.name).retry.1s")
        try await Broker.withConnection(try Broker.configuration(name: "delay")) { connection in
            try await connection.declare(policy.declarations)
            let sent = ContinuousClock.now
            try await connection.publish(OutgoingMessage(
                routingKey: retryQueue, body: Array("later".utf8), properties: MessageProperties(messageID: "later-1")
            ))
            #expect(try await connection.get(queue: policy.name) == nil, "not before the TTL")

            let delivery = try await Self.getEventually(connection, queue: policy.name)
            let waited = ContinuousClock.now - sent
            #expect(waited >= .milliseconds(900), "waited \(waited)")
            #expect(waited < .seconds(10), "waited \(waited)")
            #expect(delivery.body == Array("later".utf8))
            #expect(delivery.properties.messageID == "later-1")
            let death = try #require(delivery.properties.headers["x-death"]?.arrayValue?.first?.tableValue)
            #expect(death["reason"] == "expired")
            #expect(death["queue"] == .string(retryQueue))
            try await connection.ack(delivery)
            for declaration in policy.declarations { try await connection.deleteQueue(declaration.name) }
        }
    }

    @Test("queueState counts, get hands out one message, purge empties the queue")
    func stateGetPurge() async throws {
        let queue = Broker.uniqueQueue("tools")
        try await Broker.withConnection(try Broker.configuration(name: "tools")) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            try await connection.publish((1...3).map { OutgoingMessage(routingKey: queue, body: [UInt8($0)]) })
            try await Broker.eventually("3 ready messages") { try await connection.queueState(queue)?.messageCount == 3 }

            let first = try #require(try await connection.get(queue: queue))
            #expect(first.body == [1])
            #expect(try await connection.queueState(queue)?.messageCount == 2, "the fetched message is unacknowledged")
            try await connection.reject(first, requeue: true)
            try await Broker.eventually("the requeued message") { try await connection.queueState(queue)?.messageCount == 3 }

            #expect(try await connection.purge(queue: queue) == 3)
            #expect(try await connection.queueState(queue) == QueueState(name: queue, messageCount: 0, consumerCount: 0))
            #expect(try await connection.get(queue: queue) == nil)

            await #expect(throws: AMQPError.self) { try await connection.get(queue: Broker.uniqueQueue("absent")) }
            #expect(try await connection.purge(queue: queue) == 0, "the connection still works after the 404")
            try await connection.deleteQueue(queue)
            #expect(try await connection.queueState(queue) == nil)
        }
    }
}
