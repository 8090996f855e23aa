/// Delays between reconnect attempts: exponential from `initial`, capped at `maximum`, with
/// "equal jitter" (a random point in the upper half of the delay) so that many processes
/// cut off by one broker restart do not reconnect in lockstep.
struct ReconnectBackoff {
    let initial: Duration
    let maximum: Duration

    /// The delay before attempt `attempt` (1 for the first retry), jitter drawn from `unit` in 0...1.
    func delay(attempt: Int, unit: Double) -> Duration {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let uncapped = Self.seconds(initial) * pow2(exponent)
        let capped = min(uncapped, Self.seconds(maximum))
        return .milliseconds(Int64((capped * (0.5 + 0.5 * unit) * 1000).rounded()))
    }

    /// The delay before attempt `attempt`, with random jitter.
    func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, unit: Double.random(in: 0...1))
    }

    static func seconds(_ duration: Duration) -> Double {
        let components = duration.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= 2
            remaining -= 1
        }
        return result
    }
}
