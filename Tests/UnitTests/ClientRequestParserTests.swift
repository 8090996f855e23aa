import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

/// The clients' request parser (``ClientRequestParser``): what it reads from requests arriving
/// whole or a byte at a time, and what it refuses (each refusal is a `400` from the gateway,
/// tested end to end in `GatewayPipeliningTests` and `GatewayUpstreamAnswerTests`).
@Suite("Client request parser")
struct ClientRequestParserTests {
    /// The events `pieces` give, readable: `GET /p HTTP/1.1 keep [Name: value, ...]`, `body
    /// <bytes>` (consecutive body events merged), `end`.
    func events(_ pieces: [String]) throws -> [String] {
        var parser = ClientRequestParser()
        return try parser.describedEvents(pieces) { head in
            let fields = head.headers.map { "\($0.name): \($0.value)" }.joined(separator: ", ")
            return "\(head.method.rawValue) \(head.uri) \(head.version)\(head.isKeepAlive ? " keep" : "") [\(fields)]"
        }
    }

    /// The same events whether the requests arrive whole or one byte at a time.
    func eventsWholeAndByteByByte(_ requests: String) throws -> [String] {
        let whole = try events([requests])
        let bytes = try events(requests.utf8.map { String(decoding: [$0], as: UTF8.self) })
        #expect(whole == bytes, "byte by byte: \(bytes)")
        return whole
    }

    @Test func requestsWithAndWithoutBodiesFollowOneAnother() throws {
        let requests = "GET /products?q=1 HTTP/1.1\r\nHost: shop\r\n\r\n"
            + "POST /cart HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n\r\nhello"
            + "\r\n"  // an empty line after a body is ignored (RFC 9112 §2.2)
            + "PUT /cart/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nTrailer: t\r\n\r\n"
            + "DELETE /cart/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        #expect(try eventsWholeAndByteByByte(requests) == [
            "GET /products?q=1 HTTP/1.1 keep [Host: shop]", "end",
            "POST /cart HTTP/1.1 keep [Host: shop, Content-Length: 5]", "body hello", "end",
            "PUT /cart/1 HTTP/1.1 keep [Transfer-Encoding: chunked]", "body abc", "end",
            "DELETE /cart/1 HTTP/1.0 keep [Connection: keep-alive]", "end",
        ])
    }

    @Test func unknownMethodsAndHTTP10WithoutKeepAlive() throws {
        #expect(try events(["PURGE /x HTTP/1.0\r\n\r\n"]) == ["PURGE /x HTTP/1.0 []", "end"])
        #expect(try events(["GET /x HTTP/1.1\r\nConnection: close\r\n\r\n"]) == ["GET /x HTTP/1.1 [Connection: close]", "end"])
    }

    @Test func theEndOfInputCutsOffOnlyARequestInProgress() throws {
        var between = ClientRequestParser()
        between.append(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        while try between.next() != nil {}
        #expect(try between.finish() == nil)

        var cut = ClientRequestParser()
        cut.append(ByteBuffer(string: "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel"))
        while try cut.next() != nil {}
        #expect(throws: HTTP1MessageInvalid.self) { try cut.finish() }
    }

    /// Each request is refused with a reason; none gives a head first.
    @Test(arguments: [
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "differ"),
        ("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", "is not a length"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "not chunked alone"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n", "not chunked alone"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0 request has Transfer-Encoding"),
        ("POST / HTTP/1.1\r\nContent-Length:\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n", "empty Content-Length"),
        ("POST / HTTP/1.1\r\nContent-Length: ,\r\n\r\n", "empty Content-Length"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: \r\nContent-Length: 3\r\n\r\n", "empty Transfer-Encoding"),
        ("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", "folded"),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "not a token"),
        ("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "control character"),
        ("GET / HTTP/2.0\r\n\r\n", "version"),
        ("GET / HTTP/1.1 \r\n\r\n", "version"),
        ("GET /\r\n\r\n", "no target"),
        ("GET  HTTP/1.1\r\n\r\n", "no target"),
        ("GET /a b HTTP/1.1\r\n\r\n", "version"),
        ("GET /a\u{0}b HTTP/1.1\r\n\r\n", "no target"),
        ("G(T / HTTP/1.1\r\n\r\n", "no method"),
        (" GET / HTTP/1.1\r\n\r\n", "no method"),
    ])
    func malformedRequestsAreRefused(request: String, reason: String) throws {
        var parser = ClientRequestParser()
        parser.append(ByteBuffer(string: request))
        let error = #expect(throws: HTTP1MessageInvalid.self) { try parser.next() }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error"), not \(reason)")
        #expect(error?.tooLarge == false)
    }

    @Test func aHeadOverTheLimitIsRefusedAsTooLarge() throws {
        var parser = ClientRequestParser()
        parser.append(ByteBuffer(string: "GET / HTTP/1.1\r\nCookie: " + String(repeating: "a", count: ClientRequestParser.headLimit)))
        let error = #expect(throws: HTTP1MessageInvalid.self) { try parser.next() }
        #expect(error?.tooLarge == true)
    }

    /// Once every byte read is parsed, the parser lets go of the buffer they came in: NIO
    /// reuses its receive buffers only when no one else holds them, and an idle connection
    /// should not keep one in memory. (Writing to a buffer held elsewhere copies it.)
    @Test func aParserLetsGoOfTheBuffersItHasRead() throws {
        var parser = ClientRequestParser()
        var bytes = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let before = bytes.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        parser.append(bytes)
        while try parser.next() != nil {}
        let after = bytes.withUnsafeMutableReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(before == after, "the parser still holds the buffer it read")
    }
}
