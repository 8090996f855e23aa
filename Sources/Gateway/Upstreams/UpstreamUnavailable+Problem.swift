import ServiceKit

extension UpstreamUnavailable {
    /// The problem the client gets when its request cannot be sent anywhere.
    func problem(route: Route) -> HTTPProblem {
        switch self {
        case .noAddressLeft:
            return HTTPProblem(.badGateway, detail: "No service behind \(route.prefix) is answering.")
        case .circuitOpen(let retryAfter):
            let seconds = retryAfter.wholeSecondsRoundedUp
            return .unavailable(
                "The service behind \(route.prefix) is failing; the gateway stopped sending it requests for now. Try again in \(seconds) s.",
                retryAfterSeconds: seconds
            )
        }
    }
}

extension Duration {
    /// Whole seconds, rounded up, at least 1: for `Retry-After`.
    var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
