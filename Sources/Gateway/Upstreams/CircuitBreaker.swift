/// The circuit breaker of one upstream group: it turns a dead service into fast `503`
/// answers instead of requests that wait for a connection or a timeout, and probes it back.
///
/// - **closed**: requests go through; `failures` attempts failing in a row open it.
/// - **open**: requests are refused at once (`Retry-After`: what is left of `openDuration`).
/// - **half-open**, once `openDuration` passed: one request (the probe) goes through, the
///   others are still refused. Its success closes the breaker, its failure opens it again.
///
/// A value type driven by the instants it is given, so it is tested without sleeping.
struct CircuitBreaker: Sendable, Equatable {
    /// When it opens and for how long (`GATEWAY_BREAKER_FAILURES`, `GATEWAY_BREAKER_OPEN_SECONDS`).
    struct Policy: Sendable, Equatable {
        /// Attempts failing in a row that open the breaker.
        var failures: Int
        /// How long it stays open before it lets a probe through.
        var openDuration: Duration
    }

    enum State: Sendable, Equatable {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probing: Bool)
    }

    /// The state as `gateway_circuit_breaker_state` shows it.
    enum Phase: Int, Sendable, Equatable, CustomStringConvertible {
        case closed = 0
        case halfOpen = 1
        case open = 2

        var description: String {
            switch self {
            case .closed: "closed"
            case .halfOpen: "half-open"
            case .open: "open"
            }
        }
    }

    /// Whether a request may be sent.
    enum Admission: Sendable, Equatable {
        /// The breaker is closed.
        case allowed
        /// The one request that tests a half-open breaker: report its outcome with `probe: true`.
        case probe
        /// Refused without touching the upstream; try again after `retryAfter`.
        case refused(retryAfter: Duration)
    }

    /// A change worth a log line and a metric.
    enum Transition: Sendable, Equatable {
        case opened, halfOpened, closed
    }

    let policy: Policy
    private(set) var state: State = .closed(failures: 0)

    init(policy: Policy) {
        self.policy = policy
    }

    /// What the breaker shows at `now` (an open breaker whose time is up is half-open).
    func phase(at now: ContinuousClock.Instant) -> Phase {
        switch state {
        case .closed: .closed
        case .open(let until): now < until ? .open : .halfOpen
        case .halfOpen: .halfOpen
        }
    }

    /// Admits or refuses a request at `now`; the transition, if any, comes with it.
    mutating func admit(at now: ContinuousClock.Instant) -> (Admission, Transition?) {
        switch state {
        case .closed:
            return (.allowed, nil)
        case .open(let until) where now < until:
            return (.refused(retryAfter: until - now), nil)
        case .open:
            state = .halfOpen(probing: true)
            return (.probe, .halfOpened)
        case .halfOpen(probing: true):
            return (.refused(retryAfter: .seconds(1)), nil)
        case .halfOpen(probing: false):
            state = .halfOpen(probing: true)
            return (.probe, nil)
        }
    }

    /// Takes the verdict on one attempt. Only the probe decides a half-open breaker; results
    /// of attempts sent before it opened are ignored while it is open.
    mutating func record(_ verdict: AttemptVerdict, probe: Bool, at now: ContinuousClock.Instant) -> Transition? {
        switch (state, verdict) {
        case (.closed, .neutral), (.open, _):
            return nil
        case (.closed, .success):
            state = .closed(failures: 0)
            return nil
        case (.closed(let failures), .failure):
            guard failures + 1 >= policy.failures else {
                state = .closed(failures: failures + 1)
                return nil
            }
            state = .open(until: now + policy.openDuration)
            return .opened
        case (.halfOpen, _) where !probe:
            return nil
        case (.halfOpen, .success):
            state = .closed(failures: 0)
            return .closed
        case (.halfOpen, .failure):
            state = .open(until: now + policy.openDuration)
            return .opened
        case (.halfOpen, .neutral):
            state = .halfOpen(probing: false)
            return nil
        }
    }
}

/// What one attempt says about the health of an address (and of its group).
enum AttemptVerdict: Sendable, Equatable {
    case success
    case failure
    /// Says nothing either way: the client gave up or sent too much.
    case neutral
}
