import Foundation
import Messaging
import Testing

extension ShopctlIntegrationTests {
    /// `shopctl dlq list | replay | purge` against the test stack, on dead letters published
    /// straight to the test queue's `.dead` with the worker runtime's headers.
    @Suite("shopctl dlq")
    struct DLQ {
        /// Declares the topology and dead-letters `count` messages; returns them in queue order.
        static func deadLetter(_ count: Int, in topology: ShopctlTestTopology) async throws -> [OutgoingMessage] {
            let declared = try await topology.shopctl(["queues", "declare"])
            try #require(declared.exitCode == 0, "\(declared)")
            let messages = (1...count).map { ShopctlBroker.deadLettered($0, queue: topology.deadLetterQueue, workQueue: topology.name) }
            try await ShopctlBroker.withConnection { connection in
                for message in messages { try await connection.publish(message) }
            }
            return messages
        }

        /// The message ids of a `dlq list --json` document, in order.
        static func listedIDs(_ document: [String: Any]) throws -> [String] {
            let messages = try #require(document["messages"] as? [[String: Any]])
            return messages.compactMap { $0["messageId"] as? String }
        }

        @Test("list shows every field, loses and reorders nothing, and shows the same twice")
        func list() async throws {
            try await ShopctlTestTopology.with("list") { topology in
                let messages = try await Self.deadLetter(3, in: topology)
                let ids = messages.compactMap(\.properties.messageID)

                let first = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(first.exitCode == 0, "\(first)")
                let document = try first.json()
                #expect(try Self.listedIDs(document) == ids, "oldest first")
                #expect(document["total"] as? Int == 3)
                #expect(document["shown"] as? Int == 3)
                let listed = try #require(document["messages"] as? [[String: Any]])
                let head = listed[0]
                #expect(head["type"] as? String == "test.event")
                #expect(head["correlationId"] as? String == "order-1")
                #expect(head["attempts"] as? Int == 2)
                #expect(head["failureReason"] as? String == "handler failed on message 1: the provider said no")
                #expect(head["failedAt"] as? String == "2025-01-02T10:00:00Z")
                #expect(head["failures"] as? [String] == ["2025-01-02T09:59:59.500Z", "2025-01-02T10:00:00Z"])
                #expect(head["failedBy"] as? String == "\(topology.name)@test-host:4242")
                #expect(head["originalQueue"] as? String == topology.name)
                #expect(head["body"] as? String == String(decoding: messages[0].body, as: UTF8.self), "whole in --json")
                #expect(head["position"] as? Int == 1)

                let second = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(try Self.listedIDs(second.json()) == ids, "listing twice shows the same")
                let limited = try await topology.shopctl(["dlq", "list", topology.name, "--limit", "2", "--json"])
                #expect(try Self.listedIDs(limited.json()) == Array(ids.prefix(2)))
                #expect(try limited.json()["total"] as? Int == 3)

                let text = try await topology.shopctl(["dlq", "list", topology.name, "--body-width", "40"])
                #expect(text.exitCode == 0)
                #expect(text.stdout.contains("3 messages"))
                #expect(text.stdout.contains("reason: handler failed on message 2"))
                #expect(text.stdout.contains("--json shows it whole"), "bodies are cut in text mode")
                #expect(!text.stdout.contains(String(repeating: "x", count: 300)))

                // Nothing lost: the queue still holds the three, in the same order.
                let remaining = try await ShopctlBroker.drain(topology.deadLetterQueue, expecting: 3)
                #expect(remaining.compactMap(\.properties.messageID) == ids)
                #expect(remaining.allSatisfy { $0.properties.headers["x-failure-reason"] != nil })
            }
        }

        @Test("replay --id moves that message to the work queue as attempt 1 without failure headers; the others stay dead, in order")
        func replayOne() async throws {
            try await ShopctlTestTopology.with("replay-one") { topology in
                let messages = try await Self.deadLetter(3, in: topology)
                let ids = messages.compactMap(\.properties.messageID)

                let result = try await topology.shopctl(["dlq", "replay", topology.name, "--id", ids[1], "--json"])
                #expect(result.exitCode == 0, "\(result)")
                let document = try result.json()
                #expect(document["replayed"] as? Int == 1)
                #expect(document["messageIds"] as? [String] == [ids[1]])

                let replayed = try await ShopctlBroker.drain(topology.name, expecting: 1)
                try #require(replayed.count == 1)
                let message = replayed[0]
                let original = messages[1]
                #expect(message.body == original.body)
                #expect(message.properties.messageID == original.properties.messageID)
                #expect(message.properties.type == original.properties.type)
                #expect(message.properties.correlationID == original.properties.correlationID)
                #expect(message.properties.timestamp == original.properties.timestamp)
                #expect(message.properties.persistent)
                #expect(message.properties.headers["x-attempt"] == .int(1))
                #expect(message.properties.headers["traceparent"] == original.properties.headers["traceparent"])
                for header in ["x-failure-reason", "x-failures", "x-failed-at", "x-failed-by", "x-original-queue"] {
                    #expect(message.properties.headers[header] == nil, "\(header) removed")
                }
                let replayedAt = try #require(message.properties.headers["x-replayed-at"]?.stringValue)
                #expect(try Date(replayedAt, strategy: .iso8601) > Date(timeIntervalSinceNow: -120))

                let list = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(try Self.listedIDs(list.json()) == [ids[0], ids[2]], "the others stay dead, in order")

                let missing = try await topology.shopctl(["dlq", "replay", topology.name, "--id", "no-such-id"])
                #expect(missing.exitCode == 1, "\(missing)")
                #expect(missing.stderr.contains("no message with id 'no-such-id'"))
                let after = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(try Self.listedIDs(after.json()) == [ids[0], ids[2]], "a failed search changes nothing")
            }
        }

        @Test("replay --all moves every message in order; with nothing left it exits 1")
        func replayAll() async throws {
            try await ShopctlTestTopology.with("replay-all") { topology in
                let messages = try await Self.deadLetter(5, in: topology)
                let ids = messages.compactMap(\.properties.messageID)

                let result = try await topology.shopctl(["dlq", "replay", topology.name, "--all"])
                #expect(result.exitCode == 0, "\(result)")
                #expect(result.stdout.contains("replayed 5 messages"))
                let replayed = try await ShopctlBroker.drain(topology.name, expecting: 5)
                #expect(replayed.compactMap(\.properties.messageID) == ids, "in order, each once")
                #expect(replayed.allSatisfy { $0.properties.headers["x-attempt"] == .int(1) && $0.properties.headers["x-failure-reason"] == nil })
                #expect(try await ShopctlBroker.readyCount(topology.deadLetterQueue) == 0)

                let empty = try await topology.shopctl(["dlq", "replay", topology.name, "--all", "--json"])
                #expect(empty.exitCode == 1, "\(empty)")
                let error = try #require(try empty.json()["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("nothing to replay") == true)

                let usage = try await topology.shopctl(["dlq", "replay", topology.name])
                #expect(usage.exitCode == 64, "--id or --all is required: \(usage)")
            }
        }

        @Test("purge --id deletes one message and keeps the others in order; purge deletes the rest and reports the count")
        func purge() async throws {
            try await ShopctlTestTopology.with("purge") { topology in
                let messages = try await Self.deadLetter(3, in: topology)
                let ids = messages.compactMap(\.properties.messageID)

                let one = try await topology.shopctl(["dlq", "purge", topology.name, "--id", ids[0], "--json"])
                #expect(one.exitCode == 0, "\(one)")
                #expect(try one.json()["purged"] as? Int == 1)
                let list = try await topology.shopctl(["dlq", "list", topology.name, "--json"])
                #expect(try Self.listedIDs(list.json()) == [ids[1], ids[2]])

                let missing = try await topology.shopctl(["dlq", "purge", topology.name, "--id", ids[0]])
                #expect(missing.exitCode == 1, "already gone: \(missing)")

                let all = try await topology.shopctl(["dlq", "purge", topology.name])
                #expect(all.exitCode == 0, "\(all)")
                #expect(all.stdout.contains("purged 2 messages"))
                #expect(try await ShopctlBroker.readyCount(topology.deadLetterQueue) == 0)
                #expect(try await ShopctlBroker.readyCount(topology.name) == 0, "purging never touches the work queue")
            }
        }
    }
}
