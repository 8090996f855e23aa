import Testing
@testable import RedisStore

@Suite("Redis reconnect backoff")
struct RedisReconnectBackoffTests {
    @Test func delaysGrowExponentiallyWithJitterUpToTheCap() {
        var backoff = ReconnectBackoff(base: .milliseconds(100), cap: .seconds(2))
        let now = ContinuousClock.now
        var ceilings: [Duration] = []
        for attempt in 1...8 {
            let delay = backoff.recordFailure("refused", now: now)
            let ceiling = min(.seconds(2), .milliseconds(100) * (1 << (attempt - 1)))
            ceilings.append(ceiling)
            #expect(delay >= ceiling / 2, "attempt \(attempt): \(delay) below half of \(ceiling)")
            #expect(delay <= ceiling, "attempt \(attempt): \(delay) above \(ceiling)")
            #expect(backoff.remainingDelay(now: now) == delay)
        }
        #expect(ceilings.last == .seconds(2))
        #expect(backoff.consecutiveFailures == 8)
        #expect(backoff.lastFailure == "refused")
    }

    @Test func allowsAnAttemptOnceTheDelayPassedAndResetsOnSuccess() {
        var backoff = ReconnectBackoff(base: .milliseconds(100), cap: .seconds(1))
        let now = ContinuousClock.now
        let delay = backoff.recordFailure("refused", now: now)
        #expect(backoff.isFailing)
        #expect(backoff.remainingDelay(now: now + delay) == nil)
        backoff.recordSuccess()
        #expect(!backoff.isFailing)
        #expect(backoff.remainingDelay(now: now) == nil)
    }

    @Test func durationsConvertToWholeMilliseconds() {
        #expect(Duration.milliseconds(1500).totalMillisecondsRoundedUp == 1500)
        #expect(Duration.microseconds(1).totalMillisecondsRoundedUp == 1)
        #expect(Duration.seconds(3).totalNanoseconds == 3_000_000_000)
        #expect(Duration.zero.totalMillisecondsRoundedUp == 0)
    }
}
