import Synchronization

/// The addresses one route's requests are spread over, with what the gateway knows about
/// each: requests in flight now, for `least-in-flight`, and the turn, for `round-robin`.
///
/// One group serves every route with the same upstreams and strategy, and survives a reload
/// of `config.json` that keeps them, so what it learnt is not forgotten.
final class UpstreamGroup: Sendable {
    /// What makes two routes share a group.
    struct Key: Hashable, Sendable {
        var upstreams: [Upstream]
        var balance: BalanceStrategy
    }

    let key: Key
    /// For logs, metrics and readiness: the upstream URLs, comma separated.
    let name: String
    private let state: Mutex<State>

    private struct State {
        var addresses: [Upstream]
        var inFlight: [Upstream: Int] = [:]
        var turn = 0
    }

    init(key: Key) {
        self.key = key
        self.name = key.upstreams.map(\.description).joined(separator: ",")
        self.state = Mutex(State(addresses: key.upstreams))
    }

    /// The address for the next attempt of a request, skipping the ones it already `tried`.
    func choose(excluding tried: Set<Upstream> = []) -> UpstreamChoice {
        state.withLock { state in
            let candidates = state.addresses.filter { !tried.contains($0) }
            guard !candidates.isEmpty else { return .unavailable(.noAddressLeft) }
            let chosen: Upstream
            switch key.balance {
            case .roundRobin:
                chosen = candidates[state.turn % candidates.count]
            case .leastInFlight:
                let offset = state.turn % candidates.count
                let rotated = Array(candidates[offset...] + candidates[..<offset])
                chosen = rotated.min { state.inFlight[$0, default: 0] < state.inFlight[$1, default: 0] }!
            }
            state.turn &+= 1
            state.inFlight[chosen, default: 0] += 1
            return .address(UpstreamLease(address: chosen, group: self))
        }
    }

    /// Ends an attempt `choose` started, with what came of it.
    func finish(_ lease: UpstreamLease, outcome: UpstreamOutcome) {
        state.withLock { state in
            state.inFlight[lease.address, default: 1] -= 1
        }
    }

    /// Requests in flight per address, for tests and metrics.
    var inFlight: [Upstream: Int] {
        state.withLock { $0.inFlight }
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
}

/// One attempt at one address; give it back with ``UpstreamGroup/finish(_:outcome:)``.
struct UpstreamLease: Sendable {
    let address: Upstream
    let group: UpstreamGroup

    func finish(_ outcome: UpstreamOutcome) {
        group.finish(self, outcome: outcome)
    }
}

/// How an attempt ended, as far as the health of the address is concerned.
enum UpstreamOutcome: Sendable, Equatable {
    /// The upstream answered (its status; a `5xx` may count against it).
    case response(status: Int)
    /// The connection could not be made: nothing was sent, so another address may be tried.
    case connectFailed
    /// No answer within the route's timeout.
    case timedOut
    /// The connection broke or another transport error.
    case failed
}
