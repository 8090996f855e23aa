import NIOCore
import NIOEmbedded
import Testing

@testable import Gateway

/// The sweep of one event loop's upstream connections (``UpstreamConnectionPool/LoopPool``):
/// which deadlines it acts on, on a clock the test sets. The answer timeout itself is tested
/// end to end (`aSlowUpstreamIs504`).
@Suite("Upstream connection sweep")
struct UpstreamLoopPoolTests {
    let address = UpstreamEndpoint(try! Upstream("http://10.0.0.1:8080", route: "/t"))
    let pool = UpstreamConnectionPool.LoopPool(loop: EmbeddedEventLoop(), idleTimeout: .seconds(60), sweepInterval: .milliseconds(50))

    /// `count` new connections to ``address``, registered with ``pool``.
    func connections(_ count: Int) -> [UpstreamConnection] {
        (0..<count).map { _ in
            let connection = UpstreamConnection(address: address)
            pool.register(connection)
            return connection
        }
    }

    @Test func idleConnectionsCloseAfterTheIdleTimeoutAndBusyOnesStay() {
        let both = connections(2)
        let (idle, busy) = (both[0], both[1])
        pool.put(idle)
        let start = NIODeadline.now()

        pool.sweepDeadlines(now: start + .seconds(59))
        #expect(idle.isOpen, "closed before its idle timeout")
        pool.sweepDeadlines(now: start + .seconds(61))
        #expect(!idle.isOpen)
        #expect(busy.isOpen, "a connection in use is never idle")
    }

    @Test func aTakenConnectionIsNoLongerIdleAndAClosedOneIsNotHandedOut() {
        let both = connections(2)
        let (first, second) = (both[0], both[1])
        pool.put(first)
        pool.put(second)
        second.close()
        #expect(pool.take(address) === first, "the closed one was handed out")
        #expect(pool.take(address) == nil)
        #expect(first.idleSince == nil)
        pool.sweepDeadlines(now: .now() + .seconds(120))
        #expect(first.isOpen, "a taken connection was swept as idle")
    }

    @Test func aPassedStallDeadlineIsClearedOnce() {
        let connection = connections(1)[0]
        let deadline = NIODeadline.now() + .seconds(5)
        connection.stallDeadline = deadline
        pool.sweepDeadlines(now: deadline - .milliseconds(1))
        #expect(connection.stallDeadline == deadline)
        pool.sweepDeadlines(now: deadline)
        #expect(connection.stallDeadline == nil)
    }
}
