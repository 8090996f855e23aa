import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

/// When the gateway closes a client connection for idling (``IdleTimeout``): the decisions,
/// on a clock the test sets.
@Suite("Gateway idle timeout")
struct GatewayIdleTimeoutTests {
    static let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/r"))
    static let limit = TimeAmount.seconds(5)

    /// A connection whose request was read whole: its answer is being made.
    static func requestReadWhole() -> IdleTimeout {
        var timeout = IdleTimeout(limit: limit)
        timeout.read(head)
        timeout.read(.end(nil))
        return timeout
    }

    @Test func aConnectionWithoutRequestsClosesAtTheLimit() {
        let opened = NIODeadline.now()
        let timeout = IdleTimeout(limit: Self.limit, now: opened)
        #expect(timeout.firstCheck == opened + Self.limit)
        #expect(timeout.check(now: opened + Self.limit) == .close)
    }

    @Test func aRequestHeadThatStopsArrivingIsCutOff() {
        var timeout = IdleTimeout(limit: Self.limit)
        timeout.read(Self.head)  // no .end follows
        let checked = NIODeadline.now() + Self.limit + .milliseconds(1)
        #expect(timeout.check(now: checked) == .close)
    }

    @Test func bodyPartsKeepAnUploadAlive() {
        var timeout = IdleTimeout(limit: Self.limit)
        timeout.read(Self.head)
        timeout.read(.body(ByteBuffer(string: "x")))
        let soon = NIODeadline.now() + .seconds(1)
        guard case .checkAgain(let next) = timeout.check(now: soon) else {
            Issue.record("an upload that keeps arriving was closed")
            return
        }
        #expect(next > soon)
    }

    @Test func aConnectionAwaitingItsAnswerIsBusyNotIdle() {
        let timeout = Self.requestReadWhole()
        #expect(timeout.check(now: .now() + .seconds(60)) == .none, "the upstream's timeout bounds the answer, not this one")
    }

    /// On the router's path, an answer the client takes nothing of (its connection not
    /// writable) for the limit is cut off; taking some again, or the answer's end, clears it.
    @Test func anAnswerTheClientTakesNothingOfIsCutOffAtTheLimit() {
        var timeout = Self.requestReadWhole()
        let blocked = NIODeadline.now() + .seconds(10)
        #expect(timeout.clientBlocked(now: blocked) == blocked + Self.limit)
        #expect(timeout.clientBlocked(now: blocked + .seconds(1)) == nil, "still blocked: the first check stands")
        #expect(timeout.check(now: blocked + .seconds(1)) == .checkAgain(at: blocked + Self.limit))
        #expect(timeout.check(now: blocked + Self.limit) == .close)

        timeout.clientUnblocked()
        #expect(timeout.check(now: blocked + .seconds(60)) == .none, "taking the answer again: busy, not idle")
        _ = timeout.clientBlocked(now: blocked + .seconds(61))
        let answered = blocked + .seconds(62)
        #expect(timeout.answerEnded(now: answered) == answered + Self.limit)
        #expect(timeout.check(now: answered + .seconds(1)) == .checkAgain(at: answered + Self.limit), "the answer's end clears it")
        var unlimited = IdleTimeout(limit: nil)
        #expect(unlimited.clientBlocked() == nil, "without a limit, never")
    }

    @Test func theClockRestartsWhenTheAnswerEnds() {
        var timeout = Self.requestReadWhole()
        let answered = NIODeadline.now() + .seconds(30)
        #expect(timeout.answerEnded(now: answered) == answered + Self.limit)
        #expect(timeout.check(now: answered + .seconds(1)) == .checkAgain(at: answered + Self.limit))
        #expect(timeout.check(now: answered + Self.limit) == .close)
    }

    @Test func withoutALimitNothingIsEverClosed() {
        var timeout = IdleTimeout(limit: nil)
        #expect(timeout.firstCheck == nil)
        timeout.read(Self.head)
        #expect(timeout.isAnswering && timeout.isReadingRequest, "ProxyHandler orders requests by these, limit or not")
        timeout.read(.end(nil))
        #expect(!timeout.isReadingRequest)
        #expect(timeout.answerEnded() == nil)
        #expect(!timeout.isAnswering)
        #expect(timeout.check(now: .now() + .hours(1)) == .none)
    }
}
