import Foundation
import Messaging
import Testing

extension ShopctlIntegrationTests {
    /// `shopctl queues declare` and `queues status` against the test stack's RabbitMQ.
    @Suite("shopctl queues")
    struct Queues {
        @Test("declare creates the work, retry and dead queues, twice without error; --json lists them")
        func declare() async throws {
            try await ShopctlTestTopology.with("declare") { topology in
                let first = try await topology.shopctl(["queues", "declare"])
                #expect(first.exitCode == 0, "\(first)")
                #expect(first.stdout.contains(topology.deadLetterQueue))
                for queue in topology.allQueues {
                    #expect(try await ShopctlBroker.readyCount(queue) == 0, "\(queue) exists and is empty")
                }

                let again = try await topology.shopctl(["queues", "declare", "--json"])
                #expect(again.exitCode == 0, "declaring again is idempotent: \(again)")
                let document = try again.json()
                let declared = try #require(document["queues"] as? [[String: Any]])
                #expect(Set(declared.compactMap { $0["name"] as? String }) == Set(topology.allQueues))
                #expect(Set(declared.compactMap { $0["role"] as? String }) == ["work", "retry", "dead"])
            }
        }

        @Test("status shows a published message as ready, with unacked, consumers and rates from the management API")
        func statusFromManagementAPI() async throws {
            try await ShopctlTestTopology.with("status") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                try await ShopctlBroker.withConnection { connection in
                    try await connection.publish(OutgoingMessage(routingKey: topology.name, body: Array(#"{"n":1}"#.utf8)))
                }

                // The management API's counts lag by one statistics interval (5 s by default).
                var work: [String: Any] = [:]
                var document: [String: Any] = [:]
                let deadline = ContinuousClock.now + .seconds(30)
                repeat {
                    let result = try await topology.shopctl(["queues", "status", topology.name, "--json"])
                    try #require(result.exitCode == 0, "\(result)")
                    document = try result.json()
                    let queues = try #require(document["queues"] as? [[String: Any]])
                    work = try #require(queues.first { $0["name"] as? String == topology.name })
                    // Until the broker's first statistics of the queue, ready comes from a passive declare
                // and unacked is unknown.
                if work["ready"] as? Int == 1, work["unacked"] is Int { break }
                    try await Task.sleep(for: .milliseconds(500))
                } while ContinuousClock.now < deadline

                #expect(document["source"] as? String == "management-api")
                #expect(document["managementError"] is NSNull)
                #expect(work["ready"] as? Int == 1, "the published message shows as ready: \(work)")
                #expect(work["unacked"] as? Int == 0)
                #expect(work["consumers"] as? Int == 0)
                #expect(work["role"] as? String == "work")
                let rates = try #require(work["rates"] as? [String: Any])
                #expect(rates["publish"] is Double || rates["publish"] is Int)
                let queues = try #require(document["queues"] as? [[String: Any]])
                #expect(queues.compactMap { $0["name"] as? String } == [topology.name, topology.retryQueue, topology.deadLetterQueue])

                let text = try await topology.shopctl(["queues", "status", topology.name])
                #expect(text.exitCode == 0)
                #expect(text.stdout.contains("PUBLISH/s"))
                #expect(text.stdout.contains(topology.deadLetterQueue))
                #expect(!text.stdout.contains("falling back"))
            }
        }

        @Test("with the management API unreachable, status falls back to passive declares and says so")
        func statusFallback() async throws {
            try await ShopctlTestTopology.with("fallback") { topology in
                #expect(try await topology.shopctl(["queues", "declare"]).exitCode == 0)
                try await ShopctlBroker.withConnection { connection in
                    try await connection.publish(OutgoingMessage(routingKey: topology.name, body: Array(#"{"n":1}"#.utf8)))
                    try await connection.publish(OutgoingMessage(routingKey: topology.deadLetterQueue, body: Array(#"{"n":2}"#.utf8)))
                }
                let unreachable: [String: String?] = ["RABBITMQ_MANAGEMENT_URL": "http://127.0.0.1:9"]

                let result = try await topology.shopctl(["queues", "status", topology.name, "--json"], environment: unreachable)
                #expect(result.exitCode == 0, "\(result)")
                let document = try result.json()
                #expect(document["source"] as? String == "passive-declare")
                let reason = try #require(document["managementError"] as? String)
                #expect(reason.contains("unreachable"))
                let queues = try #require(document["queues"] as? [[String: Any]])
                let work = try #require(queues.first { $0["name"] as? String == topology.name })
                #expect(work["ready"] as? Int == 1)
                #expect(work["consumers"] as? Int == 0)
                #expect(work["unacked"] is NSNull, "unknown without the management API")
                #expect(work["rates"] is NSNull)
                let dead = try #require(queues.first { $0["name"] as? String == topology.deadLetterQueue })
                #expect(dead["ready"] as? Int == 1)

                let text = try await topology.shopctl(["queues", "status", topology.name], environment: unreachable)
                #expect(text.exitCode == 0)
                #expect(text.stdout.contains("falling back to passive declares"))
                #expect(text.stdout.contains("management API is unreachable"))
            }
        }

        @Test("an unknown queue is refused with exit 64 and the list of known ones")
        func unknownQueue() async throws {
            let topology = try ShopctlTestTopology("unknown")
            for arguments in [["queues", "status", "nope"], ["dlq", "list", "nope"], ["publish", "nope", "{}"]] {
                let result = try await topology.shopctl(arguments)
                #expect(result.exitCode == 64, "\(arguments): \(result)")
                #expect(result.stderr.contains("unknown queue 'nope'"))
                #expect(result.stderr.contains(topology.name), "names the known queues")
            }
            let dead = try await topology.shopctl(["dlq", "list", topology.deadLetterQueue, "--json"])
            #expect(dead.exitCode == 64)
            let error = try #require(try dead.json()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("name the work queue: \(topology.name)") == true)
            #expect(error["exitCode"] as? Int == 64)
            try? FileManager.default.removeItem(atPath: topology.configPath)
        }

        @Test("RabbitMQ unreachable: exit 1 with a clear message")
        func brokerUnreachable() async throws {
            let topology = try ShopctlTestTopology("down")
            let result = try await topology.shopctl(
                ["queues", "declare"],
                environment: ["AMQP_URL": "amqp://shop:shop@127.0.0.1:9/%2F", "SHOPCTL_CONNECT_TIMEOUT_SECONDS": "2"]
            )
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("RabbitMQ"))
            #expect(!result.stderr.contains("shop:shop"), "no password in messages")
            try? FileManager.default.removeItem(atPath: topology.configPath)
        }
    }
}
