import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// An upstream that stops in the middle of an answer cannot hold the client forever.
extension GatewayProcessTests {
    /// The route's timeout bounds each wait for the upstream, not just the one for the head
    /// (as nginx's `proxy_read_timeout`), on both paths: an answer that stalls for longer is cut
    /// off, and the client's connection closed, so the client can tell it is incomplete.
    @Test func anAnswerThatStallsLongerThanTheRouteTimeoutIsCutOff() async throws {
        try await streamingUpstream(name: "stalling").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "timeout": 1}}"#)

            // A pause shorter than the timeout is waited out.
            let patient = try RawConnection(port: gateway.port)
            try patient.send("GET /r/stall?after=300 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await patient.readBody(within: .seconds(10)) == 20, "a short pause cut the answer off")

            // On both paths: a GET (the event loops'), a POST with a body (the router's).
            for request in ["GET /r/stall?after=5000 HTTP/1.1\r\nHost: x\r\n\r\n", "POST /r/stall?after=5000 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"] {
                let cut = try RawConnection(port: gateway.port)
                let sent = ContinuousClock.now
                try cut.send(request)
                let (text, closed) = try await cut.readUntilClosed(within: .seconds(10))
                let waited = ContinuousClock.now - sent
                #expect(text.hasPrefix("HTTP/1.1 200") && text.hasSuffix("\r\n\r\nfirst-half"), "\(request): \(text)")
                #expect(closed, "\(request): the client was left waiting on a stalled answer")
                #expect(waited < .seconds(4), "\(request): cut off after \(waited), not about the route's 1 s timeout")
            }
            #expect(try await gateway.process.waitForLog("answer cut off"))
            #expect(try await gateway.process.waitForLog("nothing from the upstream for 1.0 seconds in the middle of its answer"))
            #expect(try await gateway.stop() == 0)
        }
    }
}
