import RedisStore

/// Counts requests against a limit in Redis with the generic cell rate algorithm (GCRA), in one
/// Lua script, so every gateway replica sharing the Redis shares each caller's allowance and
/// two replicas can never both let the last request through.
///
/// A limit of `q` requests per `w` seconds lets one request through every `w/q` seconds on
/// average, with bursts of up to `q` at once: the key holds the caller's "theoretical arrival
/// time" (TAT), pushed on by `w/q` per allowed request; a request is refused while the TAT is
/// more than `w` ahead of now. Unlike a fixed window there is no edge where `2q` requests pass
/// within `w` (a burst of `q` empties the allowance and it comes back gradually), and unlike a
/// sliding log it is one small key per caller, which expires as soon as the allowance is full.
/// Time is Redis' own clock (`TIME`), so replicas with skewed clocks still agree.
struct RateLimitCounter: Sendable {
    let redis: RedisClient

    /// KEYS[1]: the caller's key. ARGV: requests, window in ms, and "now" in ms (empty: Redis' `TIME`).
    /// Returns {allowed (1/0), remaining, ms until the whole allowance is back, ms until the next request may pass}.
    /// Times near 1.8e12 ms carry ~0.2 µs of floating-point error, so `remaining` (only told to the
    /// client) is rounded with a tolerance of 1% of an interval; the decision itself is exact.
    static let script = RedisScript(
        """
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local now
        if ARGV[3] ~= '' then
          now = tonumber(ARGV[3])
        else
          local time = redis.call('TIME')
          now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        local interval = window / limit
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local next_tat = tat + interval
        local allowed_from = next_tat - window
        if now < allowed_from then
          return {0, 0, math.ceil(tat - now), math.ceil(allowed_from - now)}
        end
        redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now))
        local remaining = math.floor((now + window - next_tat) / interval + 0.01)
        return {1, remaining, math.ceil(next_tat - now), 0}
        """
    )

    /// Takes one request from `key`'s allowance under `policy`. `now` (milliseconds on any
    /// clock) replaces Redis' clock, for tests.
    func take(key: String, policy: RateLimitPolicy, now milliseconds: Int64? = nil) async throws -> RateLimitDecision {
        let reply = try await redis.evaluate(
            Self.script, keys: [key],
            arguments: [String(policy.requests), String(Int64(policy.windowSeconds) * 1000), milliseconds.map(String.init) ?? ""]
        )
        guard let values = reply.array?.compactMap(\.int), values.count == 4 else {
            throw RedisError.unexpectedReply(command: "EVALSHA rate limit", reply)
        }
        return RateLimitDecision(
            allowed: values[0] == 1, remaining: Int(values[1]),
            resetAfter: .milliseconds(values[2]), retryAfter: .milliseconds(values[3])
        )
    }
}
