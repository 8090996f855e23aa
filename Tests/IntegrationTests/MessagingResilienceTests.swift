import Foundation
import Messaging
import Testing

/// Reconnects, heartbeats, shutdown and waiting for the first connect.
extension MessagingIntegrationTests {
    @Test("after the broker closes the connection, consumption resumes on the same stream and publishing works")
    func reconnect() async throws {
        let configuration = try Broker.configuration(name: "reconnect")
        let queue = Broker.uniqueQueue("reconnect")
        try await Broker.withConnection(configuration) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            try await Broker.withConsumer(connection, queue: queue, prefetch: 10) { collector in
                try await connection.publish(OutgoingMessage(
                    routingKey: queue, body: Array("before".utf8), properties: MessageProperties(messageID: "before")
                ))
                let before = try await collector.wait(for: 1)[0]
                #expect(connection.connectionCount == 1)

                try await BrokerSideControl.closeConnections(named: configuration.connectionName)
                try await Broker.eventually("a new connection") {
                    connection.connectionCount >= 2 && connection.isConnected
                }
                try await connection.ack(before)  // stale: a no-op, the broker redelivers it

                try await connection.publish(OutgoingMessage(
                    routingKey: queue, body: Array("after".utf8), properties: MessageProperties(messageID: "after")
                ))
                let deliveries = try await collector.wait(for: 3)
                #expect(!collector.ended, "the stream carried on")
                let resumed = deliveries.dropFirst()
                let redelivered = try #require(resumed.first { $0.properties.messageID == "before" })
                #expect(redelivered.redelivered)
                #expect(redelivered.body == Array("before".utf8))
                let after = try #require(resumed.first { $0.properties.messageID == "after" })
                #expect(after.body == Array("after".utf8))
                for delivery in resumed { try await connection.ack(delivery) }
            }
            try await Broker.eventually("the queue to be empty") { try await connection.queueState(queue)?.messageCount == 0 }
            #expect(try await connection.queueState(queue) == QueueState(name: queue, messageCount: 0, consumerCount: 0))
            try await connection.deleteQueue(queue)
        }
    }

    @Test("with a 1 s heartbeat, an idle connection stays up for 5 s (heartbeats flow both ways)")
    func heartbeats() async throws {
        let queue = Broker.uniqueQueue("heartbeat")
        try await Broker.withConnection(try Broker.configuration(name: "heartbeat", heartbeat: .seconds(1))) { connection in
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            #expect(connection.isConnected)
            try await Task.sleep(for: .seconds(5))
            #expect(connection.isConnected)
            #expect(connection.connectionCount == 1, "the broker would have closed a connection that missed two heartbeats")
            try await connection.publish(OutgoingMessage(routingKey: queue, body: [1]))
            try await connection.deleteQueue(queue)
        }
    }

    @Test("graceful shutdown ends consumer streams, returns unacked messages, and refuses later calls")
    func gracefulShutdown() async throws {
        let configuration = try Broker.configuration(name: "shutdown")
        let queue = Broker.uniqueQueue("shutdown")
        let connection = AMQPConnection(configuration: configuration, logger: Broker.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
            let stream = connection.consume(queue: queue, prefetch: 10)
            try await connection.publish(OutgoingMessage(routingKey: queue, body: Array("in flight".utf8)))
            var iterator = stream.makeAsyncIterator()
            let inFlight = await iterator.next()
            #expect(inFlight?.body == Array("in flight".utf8))

            group.cancelAll()
            let end = await iterator.next()
            #expect(end == nil, "the stream ends on shutdown")
            try await group.waitForAll()
        }
        #expect(!connection.isConnected)
        await #expect(throws: AMQPError.shutdown) {
            try await connection.publish(OutgoingMessage(routingKey: queue, body: [1]))
        }
        await #expect(throws: AMQPError.shutdown) { try await connection.run() }

        try await Broker.withConnection(try Broker.configuration(name: "shutdown-check")) { checker in
            let returned = try await Self.getEventually(checker, queue: queue)
            #expect(returned.body == Array("in flight".utf8))
            #expect(returned.redelivered, "the unacknowledged delivery went back to the queue")
            try await checker.ack(returned)
            try await checker.deleteQueue(queue)
        }
    }

    @Test("a consumer of a missing queue retries until it exists, without disturbing other consumers")
    func consumerRetriesMissingQueue() async throws {
        let missing = Broker.uniqueQueue("later")
        let present = Broker.uniqueQueue("present")
        try await Broker.withConnection(try Broker.configuration(name: "retry")) { connection in
            try await connection.declare([QueueDeclaration(name: present, arguments: Self.quorum)])
            try await Broker.withConsumer(connection, queue: missing) { waiting in
                try await Broker.withConsumer(connection, queue: present) { working in
                    try await Task.sleep(for: .milliseconds(300))
                    try await connection.publish(OutgoingMessage(routingKey: present, body: [7]))
                    let delivery = try await working.wait(for: 1)[0]
                    #expect(delivery.body == [7])
                    try await connection.ack(delivery)

                    try await connection.declare([QueueDeclaration(name: missing, arguments: Self.quorum)])
                    try await connection.publish(OutgoingMessage(routingKey: missing, body: [8]))
                    let late = try await waiting.wait(for: 1)[0]
                    #expect(late.body == [8])
                    try await connection.ack(late)
                }
            }
            try await connection.deleteQueue(missing)
            try await connection.deleteQueue(present)
        }
    }

    @Test("calls made before the first connect wait for it")
    func callsBeforeConnect() async throws {
        let connection = AMQPConnection(configuration: try Broker.configuration(name: "early"), logger: Broker.logger)
        let queue = Broker.uniqueQueue("early")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await connection.declare([QueueDeclaration(name: queue, arguments: Self.quorum)])
                try await connection.publish(OutgoingMessage(routingKey: queue, body: [1]))
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(!connection.isConnected)
            group.addTask { try await connection.run() }
            try await group.next()
            #expect(connection.isConnected)
            #expect(try await connection.purge(queue: queue) == 1)
            try await connection.deleteQueue(queue)
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    @Test("with no broker reachable, calls fail with timeout after connectionWaitTimeout")
    func unreachableBroker() async throws {
        var configuration = AMQPConfiguration(host: "127.0.0.1", port: 1, username: "shop", password: "shop", connectionName: "messaging-test-unreachable")
        configuration.connectionWaitTimeout = .milliseconds(500)
        try await Broker.withConnection(configuration) { connection in
            let started = ContinuousClock.now
            let error = await #expect(throws: AMQPError.self) {
                try await connection.publish(OutgoingMessage(routingKey: "nowhere", body: [1]))
            }
            guard case .timeout = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(!connection.isConnected)
            #expect(connection.connectionCount == 0)
        }
    }
}
