import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Messages a real client or server would not send, through a real gateway process: the
/// gateway reads requests and its upstreams' answers itself (``ClientRequestParser``,
/// ``UpstreamResponseParser``, unit-tested on their own), so these check what comes of them.
extension GatewayProcessTests {
    /// A body that only the upstream's close ends reaches an HTTP/1.1 client whole, in chunks,
    /// and the closed connection is not used again.
    @Test func anAnswerTheUpstreamsCloseEndsIsRelayedWhole() async throws {
        let upstream = try await ScriptedHTTPUpstream.start(answer: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close", closeAfter: true)
        let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port)"}"#)
        for attempt in 1...2 {
            let client = try RawConnection(port: gateway.port)
            try client.send("GET /r/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let (text, closed) = try await client.readUntilClosed(within: .seconds(10))
            let (head, body) = try Self.split(text)
            #expect(head.hasPrefix("HTTP/1.1 200"), "request \(attempt): \(text)")
            #expect(head.lowercased().contains("transfer-encoding: chunked"), "request \(attempt): \(head)")
            #expect(try Self.dechunk(body) == "until the close", "request \(attempt): \(body)")
            #expect(closed)
        }
        #expect(try await gateway.stop() == 0)
        await upstream.stop()
    }

    /// An answer that could be read two ways (request smuggling's tool) is refused: the client
    /// gets a `502` problem and none of its bytes, and the gateway says why in its log.
    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nsmuggled",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 8\r\n\r\nsmuggled",
        "HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 8\r\n\r\nsmuggled",
    ])
    func anUpstreamAnswerThatCouldBeReadTwoWaysIs502(answer: String) async throws {
        let upstream = try await ScriptedHTTPUpstream.start(answer: answer, closeAfter: false)
        let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port)"}"#)
        let client = try RawConnection(port: gateway.port)
        try client.send("GET /r/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (text, _) = try await client.readUntilClosed(within: .seconds(10))
        #expect(text.hasPrefix("HTTP/1.1 502"), "\(text)")
        #expect(text.lowercased().contains("content-type: application/problem+json"))
        #expect(!text.contains("smuggled"))
        #expect(try await gateway.process.waitForLog("not valid HTTP/1.1"))
        #expect(try await gateway.stop() == 0)
        await upstream.stop()
    }

    /// A request that could be read two ways (a length and chunks) is a `400` at the edge, and
    /// never reaches the upstream, whose answer would say it did.
    @Test func aRequestThatCouldBeReadTwoWaysIs400AndGoesNoFurther() async throws {
        let upstream = try await ScriptedHTTPUpstream.start(answer: "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nupstream", closeAfter: false)
        let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port)"}"#)
        let client = try RawConnection(port: gateway.port)
        try client.send("GET /r/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /r/y HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = try await client.readUntilClosed(within: .seconds(10))
        #expect(text.hasPrefix("HTTP/1.1 400"), "\(text)")
        #expect(!text.contains("upstream"), "a part of the request reached the upstream: \(text)")
        #expect(closed)
        #expect(try await gateway.stop() == 0)
        await upstream.stop()
    }

    /// An upload cut off by the client's connection ending abruptly (a reset, no end of input)
    /// never reaches the upstream as a whole body: its upstream request fails with it.
    @Test func anUploadCutOffByAResetNeverArrivesWhole() async throws {
        let wholeBodies = Mutex(0)
        let router = Router()
        router.post("/r/count") { request, _ -> String in
            _ = try await request.body.collect(upTo: 1 << 20)
            wholeBodies.withLock { $0 += 1 }
            return "whole"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            do {
                let client = try RawConnection(port: gateway.port)
                try client.send("POST /r/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                try await Task.sleep(for: .milliseconds(300))  // the upload is on its way upstream
                client.resetOnClose()
            }  // the connection is closed here, with a reset
            try await Task.sleep(for: .seconds(1))
            #expect(wholeBodies.withLock { $0 } == 0, "the upstream took a cut-off upload for a whole one")
            #expect(try await gateway.stop() == 0)
        }
    }
}
