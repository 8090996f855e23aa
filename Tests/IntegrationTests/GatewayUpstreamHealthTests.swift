import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TestSupport

@testable import Gateway

/// Several addresses, passive health and the circuit breaker, against real upstream servers
/// on loopback. Time only moves when a test moves it, so nothing depends on how loaded the
/// machine is.
@Suite("Gateway upstream health")
struct GatewayUpstreamHealthTests: GatewayTesting {
    let clock = ManualClock()

    func policy(ejectAfter: Int = 3, breakerAfter: Int = 5) -> UpstreamHealthPolicy {
        let clock = self.clock
        return UpstreamHealthPolicy(
            ejection: .init(failures: ejectAfter, ejectDuration: .seconds(10)),
            breaker: .init(failures: breakerAfter, openDuration: .seconds(10)),
            now: { clock.now }
        )
    }

    func advance(_ duration: Duration) {
        clock.advance(by: duration)
    }

    @Test func aKilledReplicaStopsGettingTrafficAndTheOthersCarryOn() async throws {
        let one = UpstreamControl()
        let two = UpstreamControl()
        try await withControlledUpstream(name: "two", control: two) { twoPort, _ in
            try await withControlledUpstream(name: "one", control: one) { onePort, stopOne in
                let routes = try routeTable(
                    #"{"/orders": {"upstreams": ["http://127.0.0.1:\#(onePort)", "http://127.0.0.1:\#(twoPort)"], "retries": 1}}"#,
                    upstreamPolicy: policy()
                )
                try await gateway(serving: routes).test(.live) { client in
                    for _ in 0..<10 {
                        try await client.execute(uri: "/orders/1", method: .get) { #expect($0.status == .created) }
                    }
                    #expect(one.requests == 5 && two.requests == 5, "round robin over both replicas")

                    await stopOne()
                    var statuses: [HTTPResponse.Status] = []
                    var servedBy: [String: Int] = [:]
                    for _ in 0..<20 {
                        try await client.execute(uri: "/orders/1", method: .get) { response in
                            statuses.append(response.status)
                            servedBy[response.headers[HTTPField.Name("X-Upstream")!] ?? "gateway", default: 0] += 1
                        }
                    }
                    #expect(statuses.allSatisfy { $0 == .created }, "a client saw an error after a replica died: \(statuses)")
                    #expect(servedBy == ["two": 20])
                    #expect(two.requests == 25)

                    let group = try #require(routes.table.groups.first)
                    #expect(group.status.addresses.map(\.ejected) == [true, false], "the dead replica is ejected")
                    try await client.execute(uri: "/metrics", method: .get) { response in
                        let text = String(buffer: response.body)
                        let dead = "127.0.0.1:\(onePort)\""
                        #expect(metricValue(text, "gateway_upstream_ejections_total", labels: [dead]) == 1)
                        // Refused connections, or a kept-alive one the stopping replica reset.
                        let failures = ["connect", "transport"].compactMap { metricValue(text, "gateway_upstream_errors_total", labels: [dead, $0]) }
                        #expect(failures.reduce(0, +) == 3, "after its ejection, no attempt went to the dead replica")
                    }
                    try await client.execute(uri: "/ready", method: .get) { response in
                        #expect(response.status == .ok, "one replica answers: the gateway is ready")
                        #expect(String(buffer: response.body).contains("1 of 2 addresses ejected"))
                    }
                }
            }
        }
    }

    @Test func theBreakerTurnsAFailingUpstreamIntoFast503sAndClosesOnceItIsBack() async throws {
        let orders = UpstreamControl()
        try await withControlledUpstream(name: "orders", control: orders) { port, _ in
            let routes = try routeTable(#"{"/orders": "http://127.0.0.1:\#(port)"}"#, upstreamPolicy: policy(ejectAfter: 2, breakerAfter: 3))
            try await gateway(serving: routes).test(.live) { client in
                let upstreamHeader = HTTPField.Name("X-Upstream")!
                func breakerState() async throws -> Double? {
                    try await client.execute(uri: "/metrics", method: .get) { response in
                        metricValue(String(buffer: response.body), "gateway_circuit_breaker_state", labels: ["127.0.0.1:\(port)\""])
                    }
                }
                func expectFast503() async throws {
                    try await client.execute(uri: "/orders/1", method: .get) { response in
                        #expect(response.status == .serviceUnavailable)
                        #expect(response.headers[.contentType] == "application/problem+json")
                        #expect(response.headers[upstreamHeader] == nil, "the answer came from the upstream")
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                    }
                }

                orders.failing = true
                for _ in 0..<3 {
                    try await client.execute(uri: "/orders/1", method: .get) { response in
                        #expect(response.status == .badGateway)
                        #expect(response.headers[upstreamHeader] == "orders")
                    }
                }
                #expect(orders.requests == 3)
                for _ in 0..<5 { try await expectFast503() }
                #expect(orders.requests == 3, "an open breaker must not contact the upstream")
                #expect(try await breakerState() == 2)
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body).contains("circuit breaker open"))
                }

                advance(.seconds(10))  // half-open: one probe, still failing: open again
                try await client.execute(uri: "/orders/1", method: .get) { #expect($0.headers[upstreamHeader] == "orders") }
                #expect(orders.requests == 4)
                try await expectFast503()
                #expect(orders.requests == 4)

                orders.failing = false
                advance(.seconds(10))  // the probe succeeds: closed
                try await client.execute(uri: "/orders/1", method: .get) { #expect($0.status == .created) }
                #expect(orders.requests == 5)
                #expect(try await breakerState() == 0)
                for _ in 0..<3 {
                    try await client.execute(uri: "/orders/1", method: .get) { #expect($0.status == .created) }
                }
                #expect(orders.requests == 8)
                try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func aNameResolvingToSeveralAddressesIsBalancedOverThemWithItsNameInHost() async throws {
        let v4 = UpstreamControl()
        let v6 = UpstreamControl()
        try await withControlledUpstream(name: "v4", host: "127.0.0.1", control: v4) { port, _ in
            try await withControlledUpstream(name: "v6", host: "::1", port: port, control: v6) { _, _ in
                let routes = try routeTable(#"{"/orders": "http://replicas.test:\#(port)", "/local": "http://localhost:\#(port)"}"#)
                let resolver = FixedNameResolver(table: ["replicas.test": ["127.0.0.1", "::1"]])  // localhost: the system's
                await UpstreamResolution(routes: routes, resolver: resolver, interval: .seconds(60), logger: Logger(label: "test")).resolveAll()
                try await gateway(serving: routes).test(.live) { client in
                    var servedBy: [String: Int] = [:]
                    for _ in 0..<10 {
                        try await client.execute(uri: "/orders/1", method: .get) { response in
                            #expect(response.status == .created)
                            servedBy[response.headers[HTTPField.Name("X-Upstream")!] ?? "?", default: 0] += 1
                            #expect(response.headers[HTTPField.Name("X-Seen-Host")!] == "replicas.test:\(port)", "the request keeps the upstream's name")
                        }
                    }
                    #expect(servedBy == ["v4": 5, "v6": 5])
                    try await client.execute(uri: "/local/1", method: .get) { response in
                        #expect(response.status == .created)
                    }
                }
                let local = try #require(routes.table.groups.first { $0.name.contains("localhost") })
                #expect(local.status.addresses.allSatisfy { $0.address.ip != nil }, "localhost was resolved by the system resolver")
            }
        }
    }
}
