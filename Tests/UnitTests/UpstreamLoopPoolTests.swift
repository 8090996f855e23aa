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

    @Test func idleConnectionsCloseAfterTheIdleTimeoutAndBusyOnesStay() {
        let pool = UpstreamConnectionPool.LoopPool(loop: EmbeddedEventLoop(), idleTimeout: .seconds(60), sweepInterval: .milliseconds(50))
        let idle = UpstreamConnection(address: address)
        let busy = UpstreamConnection(address: address)
        pool.register(idle)
        pool.register(busy)
        pool.put(idle)
        let start = NIODeadline.now()

        pool.sweepDeadlines(now: start + .seconds(59))
        #expect(idle.isOpen, "closed before its idle timeout")
        pool.sweepDeadlines(now: start + .seconds(61))
        #expect(!idle.isOpen)
        #expect(busy.isOpen, "a connection in use is never idle")
    }

    @Test func aTakenConnectionIsNoLongerIdleAndAClosedOneIsNotHandedOut() {
        let pool = UpstreamConnectionPool.LoopPool(loop: EmbeddedEventLoop(), idleTimeout: .seconds(60), sweepInterval: .milliseconds(50))
        let first = UpstreamConnection(address: address)
        let second = UpstreamConnection(address: address)
        pool.register(first)
        pool.register(second)
        pool.put(first)
        pool.put(second)
        second.close()
        #expect(pool.take(address) === first, "the closed one was handed out")
        #expect(pool.take(address) == nil)
        #expect(first.idleSince == nil)
        pool.sweepDeadlines(now: .now() + .seconds(120))
        #expect(first.isOpen, "a taken connection was swept as idle")
    }

    @Test func aPassedAnswerDeadlineIsClearedOnce() {
        let pool = UpstreamConnectionPool.LoopPool(loop: EmbeddedEventLoop(), idleTimeout: .seconds(60), sweepInterval: .milliseconds(50))
        let connection = UpstreamConnection(address: address)
        pool.register(connection)
        let deadline = NIODeadline.now() + .seconds(5)
        connection.answerDeadline = deadline
        pool.sweepDeadlines(now: deadline - .milliseconds(1))
        #expect(connection.answerDeadline == deadline)
        pool.sweepDeadlines(now: deadline)
        #expect(connection.answerDeadline == nil)
    }
}
