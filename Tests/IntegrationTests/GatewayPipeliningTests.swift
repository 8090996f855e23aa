import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Gateway

/// Requests pipelined on one connection are answered in order, whichever path answers them:
/// the event-loop proxy path (bodiless proxied requests) or Hummingbird's router (bodies,
/// the gateway's own routes).
@Suite("Gateway pipelining")
struct GatewayPipeliningTests: GatewayTesting {
    @Test func pipelinedRequestsAreAnsweredInOrderByBothPaths() async throws {
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            try await gateway(routes: #"{"/r": "http://127.0.0.1:\#(port)"}"#).test(.live) { client in
                let connection = try RawConnection(port: try #require(client.port))
                try connection.send(
                    "GET /r/one HTTP/1.1\r\nHost: g\r\n\r\n"
                        + "GET /health HTTP/1.1\r\nHost: g\r\n\r\n"
                        + "POST /r/two HTTP/1.1\r\nHost: g\r\nContent-Length: 3\r\n\r\nabc"
                        + "DELETE /r/three HTTP/1.1\r\nHost: g\r\n\r\n"
                        + "GET /nowhere HTTP/1.1\r\nHost: g\r\n\r\n"
                        + "GET /r/four?x=1 HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n"
                )
                let (text, closed) = try await connection.readUntilClosed(within: .seconds(20))
                #expect(closed, "the gateway did not close after the request that asked it to: \(text)")
                let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
                #expect(statuses == ["201", "200", "201", "201", "404", "201"])
                let marks = ["\"path\":\"\\/r\\/one\"", "{\"status\":\"ok\"}", "\"path\":\"\\/r\\/two\"", "\"path\":\"\\/r\\/three\"", "No such route", "\"path\":\"\\/r\\/four\""]
                let positions = marks.map { text.range(of: $0)?.lowerBound }
                #expect(positions.allSatisfy { $0 != nil }, "an answer is missing: \(text)")
                let found = positions.compactMap { $0 }
                #expect(found == found.sorted(), "answers out of order: \(text)")
            }
        }
    }

    /// Bytes that are not HTTP get a `400` and the connection closes; after a proxied
    /// request, only once that request's answer is written.
    @Test func malformedRequestsAre400AfterTheAnswersBeforeThem() async throws {
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            try await gateway(routes: #"{"/r": "http://127.0.0.1:\#(port)"}"#).test(.live) { client in
                for (sent, expected) in [
                    ("GET /r/one HTTP/1.1\r\nHost: g\r\n\r\nNOT\u{1}HTTP AT ALL\r\n\r\n", ["201", "400"]),
                    ("GET / HTTP/1.1\r\nHost: g\r\nContent-Length: x\r\n\r\n", ["400"]),
                ] {
                    let connection = try RawConnection(port: try #require(client.port))
                    try connection.send(sent)
                    let (text, closed) = try await connection.readUntilClosed(within: .seconds(10))
                    let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
                    #expect(statuses == expected, "\(text)")
                    #expect(closed, "the connection stayed open after a malformed request")
                }
            }
        }
    }

    /// A client may send its requests, then close its side (`shutdown(SHUT_WR)`, as `nc -N`
    /// does) and wait for the answers: on either path, they must all come before the gateway closes.
    @Test func aClientThatHalfClosesAfterItsRequestsStillGetsTheirAnswers() async throws {
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            try await gateway(routes: #"{"/r": "http://127.0.0.1:\#(port)"}"#).test(.live) { client in
                for requests in [["GET /r/alone"], ["GET /r/one", "GET /health", "GET /r/two"]] {
                    let connection = try RawConnection(port: try #require(client.port))
                    try connection.send(requests.map { "\($0) HTTP/1.1\r\nHost: g\r\n\r\n" }.joined())
                    connection.finishSending()
                    let (text, closed) = try await connection.readUntilClosed(within: .seconds(10))
                    let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
                    #expect(statuses == requests.map { $0.hasPrefix("GET /r/") ? "201" : "200" }, "\(requests): \(text)")
                    #expect(closed, "the connection stayed open after the answers: \(text)")
                }
            }
        }
    }

    /// HTTP/1.0 closes after each answer unless the client asks to keep the connection, and
    /// then the answer must say it is kept (1.0 clients assume it closes).
    @Test func http10ConnectionsCloseUnlessKeptAlive() async throws {
        try await echoUpstream().test(.live) { upstreamClient in
            let port = try #require(upstreamClient.port)
            try await gateway(routes: #"{"/r": "http://127.0.0.1:\#(port)"}"#).test(.live) { client in
                let once = try RawConnection(port: try #require(client.port))
                try once.send("GET /r/once HTTP/1.0\r\nHost: g\r\n\r\n")
                let (answer, closed) = try await once.readUntilClosed(within: .seconds(10))
                #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer)")
                #expect(closed, "an HTTP/1.0 connection without keep-alive stayed open")

                // Both paths: proxied, then the gateway's own route, then proxied again.
                let kept = try RawConnection(port: try #require(client.port))
                try kept.send(
                    "GET /r/one HTTP/1.0\r\nHost: g\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /health HTTP/1.0\r\nHost: g\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /r/two HTTP/1.0\r\nHost: g\r\n\r\n"
                )
                let (text, keptClosed) = try await kept.readUntilClosed(within: .seconds(10))
                let answers = Array(text.components(separatedBy: "HTTP/1.1 ").dropFirst())
                #expect(answers.count == 3, "\(text)")
                #expect(answers.prefix(2).allSatisfy { $0.lowercased().contains("connection: keep-alive") }, "\(text)")
                #expect(keptClosed, "the connection stayed open after the last HTTP/1.0 answer: \(text)")

                let ownRoute = try RawConnection(port: try #require(client.port))
                try ownRoute.send("GET /health HTTP/1.0\r\nHost: g\r\n\r\n")
                let (health, healthClosed) = try await ownRoute.readUntilClosed(within: .seconds(10))
                #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
                #expect(healthClosed, "Hummingbird's path kept an HTTP/1.0 connection open that did not ask to be kept")
            }
        }
    }
}
