import Hummingbird
import NIOCore
import Synchronization

/// The client's request body as the upstream client reads it: streamed chunk by chunk (never
/// held whole), counted against the route's limit, and closable.
///
/// Hummingbird reads the next request from the connection once the handler and its response
/// body are done, with the same iterator the body uses; the upstream client uploads from a
/// task of its own, which may still be reading if the upstream answered before taking the
/// whole body. ``close()`` ends the relay and waits for a read in progress, so the two never
/// read the connection at once; Hummingbird then discards the rest of the body itself. A read
/// cannot wait forever: a client that sends nothing for `GATEWAY_CLIENT_IDLE_TIMEOUT_SECONDS`
/// in the middle of a request loses its connection (Hummingbird's idle timeout), which ends it.
struct RequestBodyRelay: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let body: RequestBody
    let limit: Int
    let gate = Gate()

    /// The body was larger than the route allows (found while streaming a body of unknown length).
    struct TooLarge: Error {
        let limit: Int
    }

    /// Reading the client's body failed (the client went away or was cut off): not the
    /// upstream's fault.
    struct ClientFailed: Error {
        let underlying: any Error
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator(), limit: limit, gate: gate)
    }

    /// Ends the relay: later reads see the end, and a read in progress is waited for.
    func close() async {
        await gate.close()
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        let gate: Gate
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard gate.startRead() else { return nil }
            defer { gate.endRead() }
            let next: ByteBuffer?
            do {
                next = try await base.next()
            } catch {
                throw ClientFailed(underlying: error)
            }
            guard let chunk = next else { return nil }
            received += chunk.readableBytes
            if received > limit {
                throw TooLarge(limit: limit)
            }
            return chunk
        }
    }

    /// Whether the relay is open and whether a read is under way.
    final class Gate: Sendable {
        private struct State {
            var closed = false
            var reading = false
            var waiter: CheckedContinuation<Void, Never>?
        }
        private let state = Mutex(State())

        func startRead() -> Bool {
            state.withLock { state in
                guard !state.closed else { return false }
                state.reading = true
                return true
            }
        }

        func endRead() {
            let waiter = state.withLock { state in
                state.reading = false
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// Closes the gate and waits for a read in progress to end.
        func close() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let reading = state.withLock { state in
                    state.closed = true
                    if state.reading {
                        state.waiter = continuation
                    }
                    return state.reading
                }
                if !reading {
                    continuation.resume()
                }
            }
        }
    }
}
