import Foundation
import Messaging
import Testing

extension ShopctlIntegrationTests {
    /// `shopctl publish` against the test stack. The test queue has no contract of its own, so
    /// the tests name one with `--contract` (the running workers' queues stay untouched).
    @Suite("shopctl publish")
    struct Publish {
        static let orderID = "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"
        static let productID = "0b3a2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
        static let orderPlaced = #"{"orderId":"\#(orderID)","userId":"1e2d3c4b-5a69-4877-8695-a4b3c2d1e0f9","lines":[{"productId":"\#(productID)","quantity":2}]}"#

        @Test("a valid body is published persistent with its type, id and the order as correlation id; the id is printed")
        func validBody() async throws {
            try await ShopctlTestTopology.with("publish") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let result = try await topology.shopctl([
                    "publish", topology.name, Self.orderPlaced, "--contract", "checkout", "--type", "order.placed", "--json",
                ])
                #expect(result.exitCode == 0, "\(result)")
                let document = try result.json()
                let messageID = try #require(document["messageId"] as? String)
                #expect(UUID(uuidString: messageID) != nil, "a new UUID: \(messageID)")
                #expect(document["type"] as? String == "order.placed")
                #expect(document["correlationId"] as? String == Self.orderID)

                let delivered = try await ShopctlBroker.drain(topology.name, expecting: 1)
                try #require(delivered.count == 1)
                let message = delivered[0]
                #expect(message.text == Self.orderPlaced, "the body as given")
                #expect(message.properties.messageID == messageID)
                #expect(message.properties.type == "order.placed")
                #expect(message.properties.correlationID == Self.orderID)
                #expect(message.properties.persistent)
                #expect(message.properties.contentType == "application/json")
                #expect(message.properties.timestamp != nil)

                // Text mode prints the id; --id and --correlation-id are used as given; the
                // queue's only type is the default (clear-cart carries cart.clear alone).
                let body = #"{"userId":"1e2d3c4b-5a69-4877-8695-a4b3c2d1e0f9","orderId":"\#(Self.orderID)","lines":[]}"#
                let text = try await topology.shopctl([
                    "publish", topology.name, body, "--contract", "clear-cart", "--id", "replay-1", "--correlation-id", "corr-1",
                ])
                #expect(text.exitCode == 0, "\(text)")
                #expect(text.stdout.contains("message id replay-1"))
                let second = try await ShopctlBroker.drain(topology.name, expecting: 1)
                #expect(second.first?.properties.messageID == "replay-1")
                #expect(second.first?.properties.correlationID == "corr-1")
                #expect(second.first?.properties.type == "cart.clear")

                // From standard input.
                let piped = try await topology.shopctl(["publish", topology.name, "-", "--contract", "checkout", "--type", "order.placed"], stdin: Self.orderPlaced)
                #expect(piped.exitCode == 0, "\(piped)")
                #expect(try await ShopctlBroker.drain(topology.name, expecting: 1).first?.text == Self.orderPlaced)
            }
        }

        @Test("an invalid body is refused with exit 64, naming the field, and nothing is published")
        func invalidBody() async throws {
            try await ShopctlTestTopology.with("invalid") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                let missingField = #"{"userId":"1e2d3c4b-5a69-4877-8695-a4b3c2d1e0f9","lines":[]}"#
                let cases: [(arguments: [String], expected: String)] = [
                    (["--contract", "checkout", "--type", "order.placed", missingField], "orderId: is required"),
                    (["--contract", "checkout", "--type", "order.placed", #"{"orderId":"not-a-uuid","userId":"x","lines":[]}"#], "orderId"),
                    (["--contract", "update-inventory", "--type", "inventory.reserve", #"{"orderId":"\#(Self.orderID)","lines":[{"productId":"\#(Self.productID)","quantity":"two"}]}"#], "lines[0].quantity"),
                    (["--contract", "checkout", Self.orderPlaced], "pass --type"),
                    (["--contract", "checkout", "--type", "order.shipped", Self.orderPlaced], "no message type 'order.shipped'"),
                    (["--contract", "send-email", "{not json"], "malformed JSON"),
                    ([Self.orderPlaced], "has no message contract"),
                ]
                for (arguments, expected) in cases {
                    let result = try await topology.shopctl(["publish", topology.name] + arguments)
                    #expect(result.exitCode == 64, "\(arguments): \(result)")
                    #expect(result.stderr.contains(expected), "\(arguments): expected '\(expected)' in \(result.stderr)")
                    #expect(result.stdout.isEmpty)
                }
                let json = try await topology.shopctl(["publish", topology.name, missingField, "--contract", "checkout", "--type", "order.placed", "--json"])
                #expect(json.exitCode == 64)
                let error = try #require(try json.json()["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("orderId: is required") == true)
                #expect(try await ShopctlBroker.readyCount(topology.name) == 0, "nothing was published")
            }
        }

        @Test("a body is validated before connecting: a real queue's invalid message is refused even with RabbitMQ unreachable")
        func validatesBeforeConnecting() async throws {
            let result = try await Shopctl.run(
                ["publish", "checkout", #"{"orderId":"\#(Self.orderID)"}"#, "--type", "inventory.rejected"],
                environment: ["AMQP_URL": "amqp://shop:shop@127.0.0.1:9/%2F"]
            )
            #expect(result.exitCode == 64, "\(result)")
            #expect(result.stderr.contains("reason: is required"))
        }

        @Test("publishing to a queue that is not declared fails with exit 1 and says to declare it")
        func undeclaredQueue() async throws {
            try await ShopctlTestTopology.with("undeclared") { topology in
                let result = try await topology.shopctl(["publish", topology.name, Self.orderPlaced, "--contract", "checkout", "--type", "order.placed"])
                #expect(result.exitCode == 1, "\(result)")
                #expect(result.stderr.contains("does not exist"))
                #expect(result.stderr.contains("queues declare"))
            }
        }
    }
}
