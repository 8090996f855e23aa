import Foundation
import Messaging
import Testing

extension ShopctlIntegrationTests {
    /// How RabbitMQ's quorum queues count `basic.get` + requeue, and how `shopctl dlq` guards
    /// against a delivery limit on a dead-letter queue (see `DeliveryLimit` in shopctl).
    @Suite("shopctl dlq and delivery limits")
    struct DeliveryLimits {
        @Test("a dead-letter queue as declared survives many get + requeue rounds: counted, in order, never dropped")
        func deadLetterQueueHasNoLimit() async throws {
            try await ShopctlTestTopology.with("nolimit") { topology in
                #expect(topology.policy.deadLetterDeclaration.arguments["x-delivery-limit"] == nil)
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let ids = try await ShopctlBroker.withConnection { connection in
                    let messages = (1...3).map { ShopctlBroker.deadLettered($0, queue: topology.deadLetterQueue, workQueue: topology.name) }
                    for message in messages { try await connection.publish(message) }
                    // More rounds than RabbitMQ 4's default limit (20), each one like a listing.
                    for round in 0..<25 {
                        var taken: [Delivery] = []
                        while let delivery = try await connection.get(queue: topology.deadLetterQueue) { taken.append(delivery) }
                        #expect(taken.compactMap(\.properties.messageID) == messages.compactMap(\.properties.messageID), "round \(round)")
                        #expect(taken.allSatisfy { $0.properties.headers["x-delivery-count"]?.intValue ?? 0 == Int64(round) }, "round \(round)")
                        for delivery in taken { try await connection.reject(delivery, requeue: true) }
                    }
                    return messages.compactMap(\.properties.messageID)
                }
                let list = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(list.exitCode == 0, "\(list)")
                let listed = try #require(try list.json()["messages"] as? [[String: Any]])
                #expect(listed.compactMap { $0["messageId"] as? String } == ids)
                #expect(listed.allSatisfy { $0["deliveryCount"] as? Int == 25 })
            }
        }

        @Test("RabbitMQ 3.10 puts a message returned with basic.reject at the back of a quorum queue: reading must cycle the whole queue")
        func rejectedMessagesGoToTheBack() async throws {
            try await ShopctlTestTopology.with("order") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let ids = try await ShopctlBroker.withConnection { connection in
                    let messages = (1...3).map { ShopctlBroker.deadLettered($0, queue: topology.deadLetterQueue, workQueue: topology.name) }
                    for message in messages { try await connection.publish(message) }
                    let head = try #require(try await connection.get(queue: topology.deadLetterQueue))
                    try await connection.reject(head, requeue: true)
                    return messages.compactMap(\.properties.messageID)
                }
                let list = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                let listed = try #require(try list.json()["messages"] as? [[String: Any]])
                let order = listed.compactMap { $0["messageId"] as? String }
                // If a future RabbitMQ put returns at the front, this documents the change; shopctl's
                // whole-queue cycle keeps the order either way.
                #expect(order == [ids[1], ids[2], ids[0]], "the returned head went to the back")
                let again = try await topology.shopctl(["dlq", "list", topology.name, "--limit", "1", "--json"])
                let third = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(try #require(try again.json()["messages"] as? [[String: Any]]).compactMap { $0["messageId"] as? String } == [ids[1]])
                #expect(try #require(try third.json()["messages"] as? [[String: Any]]).compactMap { $0["messageId"] as? String } == order, "listing kept the order")
            }
        }

        @Test("with a delivery-limit policy on the dead-letter queue, list, replay --id and purge --id refuse and touch nothing")
        func limitedDeadLetterQueueIsRefused() async throws {
            try await ShopctlTestTopology.with("limited") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let message = ShopctlBroker.deadLettered(1, queue: topology.deadLetterQueue, workQueue: topology.name)
                try await ShopctlBroker.withConnection { try await $0.publish(message) }

                let policy = "shopctl-test-\(UUID().uuidString.prefix(8).lowercased())"
                let pattern = "^" + NSRegularExpression.escapedPattern(for: topology.deadLetterQueue) + "$"
                let definition = #"{"pattern":"\#(pattern.replacingOccurrences(of: "\\", with: "\\\\"))","definition":{"delivery-limit":1},"apply-to":"queues","priority":7}"#
                let created = try await ShopctlManagement.send("PUT", "/api/policies/%2F/\(policy)", json: definition)
                try #require((200..<300).contains(created), "creating the policy answered HTTP \(created)")
                do {
                    for arguments in [
                        ["dlq", "list", topology.name], ["dlq", "replay", topology.name, "--id", message.properties.messageID!],
                        ["dlq", "purge", topology.name, "--id", message.properties.messageID!],
                    ] {
                        let result = try await topology.shopctl(arguments)
                        #expect(result.exitCode == 1, "\(arguments): \(result)")
                        #expect(result.stderr.contains("refusing to"), "\(arguments): \(result.stderr)")
                        #expect(result.stderr.contains("policy '\(policy)'"))
                    }
                } catch {
                    _ = try? await ShopctlManagement.send("DELETE", "/api/policies/%2F/\(policy)")
                    throw error
                }
                try await ShopctlManagement.send("DELETE", "/api/policies/%2F/\(policy)")

                // Nothing was taken: the message is there, never delivered.
                let remaining = try await ShopctlBroker.drain(topology.deadLetterQueue, expecting: 1)
                #expect(remaining.compactMap(\.properties.messageID) == [message.properties.messageID])
                #expect(remaining.first?.properties.headers["x-delivery-count"]?.intValue ?? 0 == 0)
            }
        }

        @Test("without the management API, list refuses unless --skip-limit-check says no limit applies")
        func uncheckedWithoutManagementAPI() async throws {
            try await ShopctlTestTopology.with("unchecked") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let message = ShopctlBroker.deadLettered(1, queue: topology.deadLetterQueue, workQueue: topology.name)
                try await ShopctlBroker.withConnection { try await $0.publish(message) }
                let unreachable: [String: String?] = ["RABBITMQ_MANAGEMENT_URL": "http://127.0.0.1:9"]

                let refused = try await topology.shopctl(["dlq", "list", topology.name], environment: unreachable)
                #expect(refused.exitCode == 1, "\(refused)")
                #expect(refused.stderr.contains("--skip-limit-check"))
                // A server that is not the management API (a wrong path here) is not believed either.
                let wrongPath: [String: String?] = ["RABBITMQ_MANAGEMENT_URL": try ShopctlManagement.baseURL() + "/not-the-api"]
                let notTheAPI = try await topology.shopctl(["dlq", "list", topology.name], environment: wrongPath)
                #expect(notTheAPI.exitCode == 1, "\(notTheAPI)")
                #expect(notTheAPI.stderr.contains("is RABBITMQ_MANAGEMENT_URL right?"))

                let listed = try await topology.shopctl(["dlq", "list", topology.name, "--skip-limit-check", "--json"], environment: unreachable)
                #expect(listed.exitCode == 0, "\(listed)")
                let messages = try #require(try listed.json()["messages"] as? [[String: Any]])
                #expect(messages.compactMap { $0["messageId"] as? String } == [message.properties.messageID])
            }
        }
    }
}
