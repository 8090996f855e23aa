import Configuration
import HTTPTypes
import ServiceKit
import Testing
import TestSupport

@testable import Gateway

/// Balancing, ejection and the breaker of an upstream group, on a clock the tests move.
@Suite("Upstream group")
struct UpstreamGroupTests {
    let a = try! Upstream("http://10.0.0.1:8080", route: "/t")
    let b = try! Upstream("http://10.0.0.2:8080", route: "/t")
    let c = try! Upstream("http://10.0.0.3:8080", route: "/t")
    let clock = ManualClock()

    func group(_ upstreams: [Upstream], balance: BalanceStrategy = .roundRobin, ejectAfter: Int = 2, breakerAfter: Int = 4) -> UpstreamGroup {
        let clock = self.clock
        let policy = UpstreamHealthPolicy(
            ejection: .init(failures: ejectAfter, ejectDuration: .seconds(10)),
            breaker: .init(failures: breakerAfter, openDuration: .seconds(30)),
            now: { clock.now }
        )
        return UpstreamGroup(key: .init(upstreams: upstreams, balance: balance), policy: policy)
    }

    func advance(_ duration: Duration) {
        clock.advance(by: duration)
    }

    /// Chooses, records `outcome` and releases; returns the address (nil: refused).
    @discardableResult
    func attempt(_ group: UpstreamGroup, _ outcome: UpstreamOutcome = .response(status: 200)) -> Upstream? {
        guard case .address(let lease) = group.choose() else { return nil }
        lease.finish(outcome)
        return lease.address.upstream
    }

    @Test func roundRobinTakesEachAddressInTurnAndSkipsTriedOnes() throws {
        let group = group([a, b, c])
        #expect((0..<6).map { _ in attempt(group) } == [a, b, c, a, b, c])
        guard case .address(let lease) = group.choose(excluding: [UpstreamEndpoint(a), UpstreamEndpoint(b)]) else {
            Issue.record("no address left")
            return
        }
        #expect(lease.address.upstream == c)
        guard case .unavailable(.noAddressLeft) = group.choose(excluding: [UpstreamEndpoint(a), UpstreamEndpoint(b), UpstreamEndpoint(c)]) else {
            Issue.record("an address was given though every one was tried")
            return
        }
    }

    @Test func leastInFlightCountsARequestUntilItsLeaseIsReleased() throws {
        let group = group([a, b], balance: .leastInFlight)
        guard case .address(let first) = group.choose(), case .address(let second) = group.choose() else {
            Issue.record("no address")
            return
        }
        #expect(first.address != second.address)
        first.record(.response(status: 200))  // the head arrived; the body still streams
        #expect(group.inFlight[first.address] == 1)
        guard case .address(let third) = group.choose() else { return }
        second.release()
        third.release()
        guard case .address(let fourth) = group.choose() else { return }
        #expect(fourth.address == second.address, "the address whose body is still streaming is the busier one")
        first.release()
        fourth.release()
        #expect(group.inFlight.isEmpty)
    }

    @Test func aFailingAddressIsSkippedForThePeriodThenTriedAgain() {
        let group = group([a, b, c], ejectAfter: 2, breakerAfter: 100)
        #expect(attempt(group, .connectFailed) == a)
        #expect(attempt(group) == b)
        #expect(attempt(group) == c)
        #expect(attempt(group, .timedOut) == a)  // the second failure in a row: ejected
        #expect(group.status.healthyAddresses.map(\.upstream) == [b, c])
        let during = (0..<6).map { _ in attempt(group) }
        #expect(!during.contains(a))
        #expect(Set(during) == [b, c])
        advance(.seconds(10))
        #expect(group.status.healthyAddresses.count == 3)
        let after = (0..<3).compactMap { _ in attempt(group) }
        #expect(Set(after) == [a, b, c])
    }

    @Test func whenEveryAddressIsEjectedTheyAreTriedAnyway() {
        let group = group([a, b], ejectAfter: 1, breakerAfter: 100)
        attempt(group, .connectFailed)
        attempt(group, .response(status: 502))
        #expect(group.status.healthyAddresses.isEmpty)
        #expect(attempt(group) != nil, "nothing healthy: every address is tried rather than failing the request")
        #expect(group.status.healthyAddresses.count == 1, "an ejected address that answers is back at once")
    }

    @Test func aFiveHundredDoesNotEjectAndAnAbandonedAttemptSaysNothing() {
        let group = group([a], ejectAfter: 1, breakerAfter: 1)
        attempt(group, .response(status: 500))
        attempt(group, .abandoned)
        #expect(group.status.healthyAddresses.count == 1)
        #expect(group.status.breaker == .closed)
    }

    @Test func theBreakerOpensRefusesThenLetsOneProbeThroughAndCloses() {
        let group = group([a, b], ejectAfter: 100, breakerAfter: 4)
        for _ in 0..<4 { attempt(group, .connectFailed) }
        #expect(group.status.breaker == .open)
        guard case .unavailable(.circuitOpen(let retryAfter)) = group.choose() else {
            Issue.record("an open breaker let a request through")
            return
        }
        #expect(retryAfter == .seconds(30))
        advance(.seconds(30))
        guard case .address(let probe) = group.choose() else {
            Issue.record("no probe after the open period")
            return
        }
        #expect(probe.isProbe)
        guard case .unavailable(.circuitOpen) = group.choose() else {
            Issue.record("a second request went through while the probe is out")
            return
        }
        probe.finish(.response(status: 200))
        #expect(group.status.breaker == .closed)
        #expect(attempt(group) != nil)
    }

    /// Failures count only in a row: a success between them resets the breaker's count and the
    /// address's, even though most successes (at a group with nothing counted) take no lock.
    @Test func aSuccessBetweenFailuresStartsTheCountAgain() {
        let group = group([a], ejectAfter: 3, breakerAfter: 3)
        for _ in 0..<5 {
            attempt(group)
            attempt(group, .connectFailed)
            attempt(group, .connectFailed)
        }
        attempt(group)
        #expect(group.status.breaker == .closed)
        #expect(group.status.healthyAddresses == [UpstreamEndpoint(a)])
        for _ in 0..<3 { attempt(group, .connectFailed) }
        #expect(group.status.breaker == .open, "three in a row open it")
        advance(.seconds(31))
        #expect(attempt(group) == a, "the probe")
        #expect(group.status.breaker == .closed)
        attempt(group, .connectFailed)
        attempt(group, .connectFailed)
        attempt(group)
        attempt(group, .connectFailed)
        attempt(group, .connectFailed)
        #expect(group.status.breaker == .closed, "closed again, the count starts from zero")
    }

    @Test func aDroppedLeaseIsAbandonedAndReleased() {
        let group = group([a], ejectAfter: 1, breakerAfter: 1)
        do {
            guard case .address(let lease) = group.choose() else { return }
            #expect(group.inFlight[lease.address] == 1)
        }
        #expect(group.inFlight.isEmpty)
        #expect(group.status.breaker == .closed)
    }

    @Test func resolvedAddressesReplaceTheNameAndKeepTheirHealth() throws {
        let named = try Upstream("http://orders:8080/v1", route: "/t")
        let group = group([named, a], ejectAfter: 1, breakerAfter: 100)
        #expect(group.status.addresses.map(\.address) == [UpstreamEndpoint(named), UpstreamEndpoint(a)])
        group.update(named, resolvedTo: ["10.1.0.1", "10.1.0.2"])
        let addresses = group.status.addresses.map(\.address.description)
        #expect(addresses == ["http://10.1.0.1:8080/v1", "http://10.1.0.2:8080/v1", "http://10.0.0.1:8080"])
        attempt(group, .connectFailed)  // 10.1.0.1 ejected
        group.update(named, resolvedTo: ["10.1.0.1", "10.1.0.3"])
        let status = group.status
        #expect(status.addresses.map(\.address.ip) == ["10.1.0.1", "10.1.0.3", nil])
        #expect(status.addresses.map(\.ejected) == [true, false, false], "a kept address keeps its health")
        group.update(named, resolvedTo: [])
        #expect(group.status.addresses.count == 3, "a name that stops resolving keeps its last addresses")
    }

    /// Requests in flight are counted on the address's endpoint: one that stays through a new
    /// resolution keeps its object, so its count, and `least-in-flight` still sees it busy.
    @Test func anAddressThatStaysKeepsItsRequestsInFlight() throws {
        let named = try Upstream("http://orders:8080/v1", route: "/t")
        let group = group([named], balance: .leastInFlight)
        group.update(named, resolvedTo: ["10.1.0.1", "10.1.0.2"])
        guard case .address(let busy) = group.choose() else {
            Issue.record("no address")
            return
        }
        group.update(named, resolvedTo: ["10.1.0.2", "10.1.0.3", "10.1.0.1"])
        #expect(group.status.addresses.contains { $0.address === busy.address }, "the same endpoint object")
        #expect(group.inFlight == [busy.address: 1])
        for _ in 0..<4 {
            guard case .address(let lease) = group.choose() else { return }
            #expect(lease.address != busy.address, "the busy address is the last choice")
            lease.release()
        }
        busy.release()
        #expect(group.inFlight.isEmpty)
    }

    @Test func anEndpointConnectsToItsIPAndKeepsTheNameInHost() throws {
        let named = try Upstream("http://orders:8080/v1", route: "/t")
        let v6 = UpstreamEndpoint(named, ip: "fd00::7")
        #expect(v6.url(path: "/orders/1", query: "x=1") == "http://[fd00::7]:8080/v1/orders/1?x=1")
        #expect(v6.hostHeader == "orders:8080")
        #expect(UpstreamEndpoint(try Upstream("http://catalog", route: "/t")).hostHeader == "catalog")
        #expect(!named.hasIPLiteralHost && named.isResolvedByGateway)
        #expect(a.hasIPLiteralHost && !a.isResolvedByGateway)
        #expect(try Upstream("http://[::1]:8080", route: "/t").hasIPLiteralHost)
        #expect(!(try Upstream("https://orders:8443", route: "/t").isResolvedByGateway), "https keeps the name its certificate has")
        #expect(try Upstream("http://localhost:8080", route: "/t").hasFixedAddresses)
    }

    @Test func theSystemResolverFindsLocalhostAndKnowsIPLiterals() async throws {
        let addresses = try await SystemNameResolver().addresses(of: "localhost")
        #expect(addresses.contains("127.0.0.1") || addresses.contains("::1"))
        #expect(try await SystemNameResolver().addresses(of: "127.0.0.1") == ["127.0.0.1"])
        #expect(IPAddressText.isLiteral("10.0.0.1") && IPAddressText.isLiteral("::1") && !IPAddressText.isLiteral("orders"))
    }

    @Test func anOpenBreakerIsAFast503WithRetryAfter() throws {
        let route = try Route(prefix: "/orders", upstreams: [a], defaults: RouteDefaults())
        let problem = UpstreamUnavailable.circuitOpen(retryAfter: .milliseconds(7200)).problem(route: route)
        #expect(problem.status == .serviceUnavailable)
        #expect(problem.headers[.retryAfter] == "8")
        #expect(problem.detail.contains("/orders"))
        #expect(UpstreamUnavailable.noAddressLeft.problem(route: route).status == .badGateway)
    }
}

/// The upstream settings from the environment.
@Suite("Gateway upstream settings")
struct GatewayUpstreamSettingsTests {
    func settings(_ environment: [String: String]) throws -> GatewaySettings {
        try GatewaySettings(config: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try settings([:])
        #expect(defaults.upstreamPolicy.ejection == .init(failures: 3, ejectDuration: .seconds(10)))
        #expect(defaults.upstreamPolicy.breaker == .init(failures: 5, openDuration: .seconds(10)))
        #expect(defaults.resolveInterval == .seconds(5))
        let custom = try settings([
            "GATEWAY_EJECT_FAILURES": "2", "GATEWAY_EJECT_SECONDS": "30", "GATEWAY_BREAKER_FAILURES": "8",
            "GATEWAY_BREAKER_OPEN_SECONDS": "4", "GATEWAY_RESOLVE_SECONDS": "60",
        ])
        #expect(custom.upstreamPolicy.ejection == .init(failures: 2, ejectDuration: .seconds(30)))
        #expect(custom.upstreamPolicy.breaker == .init(failures: 8, openDuration: .seconds(4)))
        #expect(custom.resolveInterval == .seconds(60))
        #expect(throws: SettingsError.self) { try settings(["GATEWAY_BREAKER_FAILURES": "0"]) }
    }
}
