import Testing

@testable import WorkerRuntime

/// Which delay queue a retry waits in (the delay before that attempt).
@Suite("retry slots: the next attempt's delay; a RetryLater's grows with its failures")
struct RetrySlotTests {
    @Test func aFailureOrAnOutageWaitsTheNextAttemptsDelay() {
        #expect(QueueWorker.retrySlot(attempt: 1, failures: 0, backingOff: false, maxAttempts: 5) == 2)
        #expect(QueueWorker.retrySlot(attempt: 3, failures: 2, backingOff: false, maxAttempts: 5) == 4)
        // An outage does not count the attempt, so it keeps the same pace however long it lasts.
        #expect(QueueWorker.retrySlot(attempt: 1, failures: 9, backingOff: false, maxAttempts: 5) == 2)
        #expect(QueueWorker.retrySlot(attempt: 5, failures: 4, backingOff: false, maxAttempts: 5) == 5)
    }

    @Test func aRetryLaterWaitsLongerWithEachFailureUpToTheLastQueue() {
        let slots = (0..<6).map { QueueWorker.retrySlot(attempt: 1, failures: $0, backingOff: true, maxAttempts: 5) }
        #expect(slots == [2, 3, 4, 5, 5, 5])
        // A message that failed for real before (attempt 3) never waits less than its next attempt.
        #expect(QueueWorker.retrySlot(attempt: 3, failures: 0, backingOff: true, maxAttempts: 5) == 4)
    }
}
