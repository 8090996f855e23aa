import Logging
import Synchronization

/// The addresses one route's requests are spread over, with what the gateway knows about
/// each: requests in flight (for `least-in-flight`), the turn (for `round-robin`), passive
/// health (an address failing in a row is skipped for a while) and the group's circuit breaker.
///
/// The addresses are the configured upstreams, each replaced by the IP addresses its name
/// resolves to once ``UpstreamResolution`` resolved it. One group serves every route with the
/// same upstreams and strategy, and survives a reload of `config.json` that keeps them, so
/// what it learnt is not forgotten.
final class UpstreamGroup: Sendable {
    /// What makes two routes share a group.
    struct Key: Hashable, Sendable {
        var upstreams: [Upstream]
        var balance: BalanceStrategy
    }

    let key: Key
    /// For logs, metrics and readiness: the upstream URLs, comma separated.
    let name: String
    let policy: UpstreamHealthPolicy
    let reporter: UpstreamGroupReporter
    private let state: Mutex<State>
    /// Whether a success at any address would change nothing (``State/successChangesNothing``):
    /// written under the lock whenever the breaker or an address's health changes, read
    /// without it by ``record(_:of:)``, so the usual request's success takes no lock that
    /// every event loop shares. A success racing a failure on another loop may then go
    /// unrecorded: as if it had come just before it.
    private let successChangesNothing = Atomic<Bool>(true)

    private struct State {
        /// Per configured upstream, the addresses its name resolved to (absent: not resolved).
        var resolved: [Upstream: [UpstreamEndpoint]] = [:]
        var endpoints: [UpstreamEndpoint]
        var health: [UpstreamEndpoint: AddressHealth] = [:]
        var breaker: CircuitBreaker
        var turn = 0

        /// The breaker closed with no failure counted, and no address with a failure counted.
        var successChangesNothing: Bool {
            breaker.state == .closed(failures: 0) && health.values.allSatisfy { $0 == AddressHealth() }
        }
    }

    init(key: Key, policy: UpstreamHealthPolicy = UpstreamHealthPolicy(), reporter: UpstreamGroupReporter = .silent) {
        self.key = key
        self.name = key.upstreams.map(\.description).joined(separator: ",")
        self.policy = policy
        self.reporter = reporter
        self.state = Mutex(State(endpoints: key.upstreams.map { UpstreamEndpoint($0) }, breaker: CircuitBreaker(policy: policy.breaker)))
        reporter.breakerPhase(.closed, group: name)
    }

    /// The address for the next attempt of a request, skipping the ones it already `tried`
    /// and, while others are healthy, the ejected ones; or why there is none.
    func choose(excluding tried: Set<UpstreamEndpoint> = []) -> UpstreamChoice {
        let now = policy.now()
        let (choice, transition) = state.withLock { (state: inout State) -> (UpstreamChoice, CircuitBreaker.Transition?) in
            // Filtered copies only when something is excluded: a first attempt at a healthy
            // group (almost every request) allocates nothing here.
            let candidates = tried.isEmpty ? state.endpoints : state.endpoints.filter { !tried.contains($0) }
            guard !candidates.isEmpty else { return (.unavailable(.noAddressLeft), nil) }
            let (admission, transition) = state.breaker.admit(at: now)
            if case .refused(let retryAfter) = admission {
                return (.unavailable(.circuitOpen(retryAfter: retryAfter)), transition)
            }
            let health = state.health
            let isEjected = { (address: UpstreamEndpoint) in health[address]?.isEjected(at: now) ?? false }
            let healthy = candidates.contains(where: isEjected) ? candidates.filter { !isEjected($0) } : candidates
            let pool = healthy.isEmpty ? candidates : healthy
            let chosen: UpstreamEndpoint
            switch key.balance {
            case .roundRobin:
                chosen = pool[state.turn % pool.count]
            case .leastInFlight:
                let offset = state.turn % pool.count
                let rotated = pool[offset...] + pool[..<offset]
                chosen = rotated.min { $0.requestsInFlight.load(ordering: .relaxed) < $1.requestsInFlight.load(ordering: .relaxed) }!
            }
            state.turn &+= 1
            chosen.requestsInFlight.add(1, ordering: .relaxed)
            return (.address(UpstreamLease(address: chosen, group: self, isProbe: admission == .probe)), transition)
        }
        if let transition {
            reporter.breaker(transition, group: name, policy: policy.breaker)
        }
        return choice
    }

    /// Takes what came of an attempt: the address's health and the breaker learn from it.
    func record(_ outcome: UpstreamOutcome, of lease: UpstreamLease) {
        let verdict = outcome.verdict
        if !lease.isProbe {
            switch verdict {
            case .neutral:
                return  // only a probe's neutral outcome moves the breaker; health ignores it
            case .success where successChangesNothing.load(ordering: .relaxed):
                return
            case .success, .failure:
                break
            }
        }
        let now = policy.now()
        let (healthChange, breakerChange) = state.withLock { state in
            let before = state.health[lease.address] ?? AddressHealth()
            var health = before
            let healthChange = health.record(verdict, policy: policy.ejection, at: now)
            // Written only when it changed: a success at a healthy address (almost every
            // request) changes nothing.
            if health != before, state.endpoints.contains(lease.address) {
                state.health[lease.address] = health
            }
            let breakerChange = state.breaker.record(verdict, probe: lease.isProbe, at: now)
            successChangesNothing.store(state.successChangesNothing, ordering: .relaxed)
            return (healthChange, breakerChange)
        }
        if let healthChange {
            reporter.address(lease.address, healthChange, outcome: outcome, group: name, policy: policy.ejection)
        }
        if let breakerChange {
            reporter.breaker(breakerChange, group: name, policy: policy.breaker)
        }
    }

    /// Ends an attempt's time in flight (once per lease, ``UpstreamLease`` sees to it).
    func release(_ lease: UpstreamLease) {
        lease.address.requestsInFlight.subtract(1, ordering: .relaxed)
    }

    /// Puts the addresses `upstream`'s name resolved to in force. Addresses that stay keep
    /// their health; an upstream that no longer resolves keeps its last addresses.
    func update(_ upstream: Upstream, resolvedTo ips: [String]) {
        guard key.upstreams.contains(upstream), !ips.isEmpty else { return }
        state.withLock { state in
            // An address that stays keeps its endpoint, and with it its requests in flight.
            let kept = state.endpoints
            let keep = { (endpoint: UpstreamEndpoint) in kept.first { $0 == endpoint } ?? endpoint }
            state.resolved[upstream] = ips.map { keep(UpstreamEndpoint(upstream, ip: $0)) }
            state.endpoints = key.upstreams.flatMap { state.resolved[$0] ?? [keep(UpstreamEndpoint($0))] }
            let current = Set(state.endpoints)
            state.health = state.health.filter { current.contains($0.key) }
            successChangesNothing.store(state.successChangesNothing, ordering: .relaxed)
        }
    }

    /// The addresses `upstream` resolved to, if it was resolved.
    func resolvedAddresses(of upstream: Upstream) -> [UpstreamEndpoint]? {
        state.withLock { $0.resolved[upstream] }
    }

    /// What the group knows now, for readiness and tests.
    var status: UpstreamGroupStatus {
        let now = policy.now()
        return state.withLock { state in
            let breakerPhase = state.breaker.phase(at: now)
            var retryAfter: Duration?
            if case .open(let until) = state.breaker.state, now < until {
                retryAfter = until - now
            }
            return UpstreamGroupStatus(
                breaker: breakerPhase,
                retryAfter: retryAfter,
                addresses: state.endpoints.map { (address: $0, ejected: state.health[$0]?.isEjected(at: now) ?? false) }
            )
        }
    }

    /// Requests in flight per address of the group (those with any), for tests and metrics.
    var inFlight: [UpstreamEndpoint: Int] {
        let endpoints = state.withLock { $0.endpoints }
        return Dictionary(
            endpoints.compactMap { endpoint in
                let count = endpoint.requestsInFlight.load(ordering: .relaxed)
                return count > 0 ? (endpoint, count) : nil
            },
            uniquingKeysWith: { first, _ in first }
        )
    }
}

/// A snapshot of an upstream group.
struct UpstreamGroupStatus: Sendable {
    var breaker: CircuitBreaker.Phase
    /// While the breaker is open: how long until it lets a probe through.
    var retryAfter: Duration?
    /// Every address, and whether it is ejected now.
    var addresses: [(address: UpstreamEndpoint, ejected: Bool)]

    var healthyAddresses: [UpstreamEndpoint] {
        addresses.filter { !$0.ejected }.map(\.address)
    }
}

/// What ``UpstreamGroup/choose(excluding:)`` gives: an address to try, or why there is none.
enum UpstreamChoice: Sendable {
    case address(UpstreamLease)
    case unavailable(UpstreamUnavailable)
}

/// Why a request cannot be sent anywhere.
enum UpstreamUnavailable: Sendable, Equatable {
    /// Every address was tried (or there is none): `502`.
    case noAddressLeft
    /// The group's circuit breaker is open: `503` with `Retry-After`.
    case circuitOpen(retryAfter: Duration)
}

/// How an attempt ended, as far as the health of the address is concerned.
enum UpstreamOutcome: Sendable, Equatable {
    /// The upstream answered (its status; a `502`-`504` counts against it).
    case response(status: Int)
    /// The connection could not be made: nothing was sent, so another address may be tried.
    case connectFailed
    /// No answer within the route's timeout.
    case timedOut
    /// The connection broke or another transport error.
    case failed
    /// The attempt ended for the client's reasons (it went away, or its body was too large):
    /// says nothing about the upstream.
    case abandoned
}
