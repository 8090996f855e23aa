import Testing

@testable import WorkerRuntime

@Suite("deadline watchdog: cancels the task of a handler past its deadline")
struct DeadlineWatchdogTests {
    /// Runs `body` with a watchdog that ticks every 10 ms.
    static func withWatchdog<T: Sendable>(_ body: @Sendable @escaping (DeadlineWatchdog) async -> T) async -> T {
        let watchdog = DeadlineWatchdog(tick: .milliseconds(10))
        return await withTaskGroup(of: T?.self) { group in
            group.addTask {
                await watchdog.watch()
                return nil
            }
            group.addTask { await body(watchdog) }
            var value: T?
            while value == nil, let next = await group.next() {
                value = next
                group.cancelAll()
            }
            return value!
        }
    }

    @Test("a run past its deadline is cancelled in the calling task and reported expired")
    func expiredRunCancelsItsTask() async {
        let (expired, cancelledInside, cancelledAfter) = await Self.withWatchdog { watchdog in
            let run = await watchdog.run(until: .now + .milliseconds(50)) { () async -> Bool in
                try? await Task.sleep(for: .seconds(30))
                return Task.isCancelled
            }
            return (run.expired, run.value, Task.isCancelled)
        }
        #expect(expired)
        #expect(cancelledInside, "the handler sees the cancellation")
        #expect(cancelledAfter, "the calling task stays cancelled: the caller must end it")
    }

    @Test("a run that ends in time is not expired and leaves its task alone")
    func runInTime() async {
        let (expired, cancelledAfter) = await Self.withWatchdog { watchdog in
            let first = await watchdog.run(until: .now + .seconds(5)) { () async -> Int in
                try? await Task.sleep(for: .milliseconds(30))
                return 1
            }
            // The watchdog keeps ticking after the run: the finished run is forgotten.
            try? await Task.sleep(for: .milliseconds(50))
            return (first.expired, Task.isCancelled)
        }
        #expect(!expired)
        #expect(!cancelledAfter)
    }

    @Test("among runs at once, only the ones past their deadline are cancelled, each in its own task")
    func concurrentRuns() async {
        let outcomes = await Self.withWatchdog { watchdog in
            await withTaskGroup(of: (Int, Bool, Bool).self) { group in
                // Runs 0, 2 and 4 hang past a 50 ms deadline; 1, 3 and 5 end in time.
                for index in 0..<6 {
                    group.addTask {
                        let hangs = index % 2 == 0
                        let run = await watchdog.run(until: .now + (hangs ? .milliseconds(50) : .seconds(10))) { () async -> Bool in
                            try? await Task.sleep(for: hangs ? .seconds(30) : .milliseconds(20 * Double(index + 1)))
                            return Task.isCancelled
                        }
                        return (index, run.expired, run.value)
                    }
                }
                return await group.reduce(into: [Int: (expired: Bool, cancelled: Bool)]()) { $0[$1.0] = ($1.1, $1.2) }
            }
        }
        for index in 0..<6 {
            let hangs = index % 2 == 0
            #expect(outcomes[index]?.expired == hangs, "run \(index)")
            #expect(outcomes[index]?.cancelled == hangs, "run \(index)")
        }
    }
}
