import AsyncHTTPClient
import Hummingbird
import NIOCore
import Synchronization

/// The upstream's answer body on the router's path, relayed to the client as AsyncHTTPClient
/// streams it, and cut off when the upstream sends nothing for the route's timeout (as the
/// event-loop path's `stallDeadline` does, and nginx's `proxy_read_timeout`).
///
/// AsyncHTTPClient's read timeout is one setting for the whole client, and a body's read can
/// only be abandoned by cancelling the task that waits on it. So a reader task waits on the
/// upstream and hands each chunk over, one at a time (the next is read once the client's
/// writer took this one: a slow client slows the upstream, nothing piles up); a watchdog task
/// ends the relay when the reader has waited too long, and leaving the relay cancels the
/// reader, which cancels the upstream request.
enum ResponseBodyRelay {
    /// Writes `body` to `writer` chunk by chunk; throws ``UpstreamStalled`` once the upstream
    /// has sent nothing for `stallTimeout`. Time the client takes to read does not count.
    static func relay(_ body: HTTPClientResponse.Body, to writer: inout any ResponseBodyWriter, stallTimeout: Duration) async throws {
        let (chunks, chunkSink) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let (taken, takenSource) = AsyncStream<Void>.makeStream()
        let upstreamWait = WaitClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var upstream = body.makeAsyncIterator()
                var client = taken.makeAsyncIterator()
                do {
                    while true {
                        upstreamWait.start()
                        guard let chunk = try await upstream.next() else { break }
                        upstreamWait.stop()
                        chunkSink.yield(chunk)
                        guard await client.next() != nil else { return }  // the relay ended
                    }
                    chunkSink.finish()
                } catch {
                    chunkSink.finish(throwing: error)
                }
            }
            group.addTask {
                let check = max(stallTimeout / 4, .milliseconds(10))
                while true {
                    try await Task.sleep(for: check)
                    if upstreamWait.elapsed >= stallTimeout {
                        chunkSink.finish(throwing: UpstreamStalled(timeout: stallTimeout))
                        return
                    }
                }
            }
            defer {
                takenSource.finish()
                group.cancelAll()  // the reader's upstream request, if the relay ends early; the watchdog
            }
            for try await chunk in chunks {
                try await writer.write(chunk)
                takenSource.yield()
            }
        }
    }
}

/// How long the relay's reader has waited for the upstream (zero while it waits for the client).
private final class WaitClock: Sendable {
    private let since = Mutex<ContinuousClock.Instant?>(nil)

    func start() { since.withLock { $0 = .now } }
    func stop() { since.withLock { $0 = nil } }
    var elapsed: Duration { since.withLock { $0.map { .now - $0 } } ?? .zero }
}

/// The upstream stopped in the middle of its answer for longer than the route's timeout.
struct UpstreamStalled: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "nothing from the upstream for \(timeout) in the middle of its answer" }
}
