import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

/// The upstream connections' answer parser (``UpstreamResponseParser``): what it reads from
/// answers arriving whole or a byte at a time, and what it refuses. The proxying of real
/// upstreams' answers is tested end to end (`GatewayAnswerFramingTests`, `GatewayProxyTests`).
@Suite("Upstream response parser")
struct UpstreamResponseParserTests {
    /// The events `pieces` give, in a readable form: `head 200 keep [Name: value, ...]`,
    /// `body <bytes>` (consecutive body events merged), `end`.
    func events(_ pieces: [String], answeringHEAD: Bool = false, parser: inout UpstreamResponseParser) throws -> [String] {
        parser.expectAnswer(toHEAD: answeringHEAD)
        return try parser.describedEvents(pieces) { head in
            var fields: [String] = []
            head.fields.forEachField { fields.append("\($0): \($1)") }
            return "head \(head.status.code)\(head.keepAlive ? " keep" : "") [\(fields.joined(separator: ", "))]"
        }
    }

    func events(_ answer: String, answeringHEAD: Bool = false) throws -> [String] {
        var parser = UpstreamResponseParser()
        return try events([answer], answeringHEAD: answeringHEAD, parser: &parser)
    }

    /// The same events whether the answer arrives whole or one byte at a time.
    func eventsWholeAndByteByByte(_ answer: String) throws -> [String] {
        let whole = try events(answer)
        var parser = UpstreamResponseParser()
        let bytes = try events(answer.utf8.map { String(decoding: [$0], as: UTF8.self) }, parser: &parser)
        #expect(whole == bytes, "byte by byte: \(bytes)")
        return whole
    }

    @Test func aSizedAnswerIsItsHeadItsBodyAndItsEnd() throws {
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello"
        #expect(try eventsWholeAndByteByByte(answer) == ["head 200 keep [Content-Type: application/json, Content-Length: 5]", "body hello", "end"])
    }

    @Test func aChunkedAnswerLosesItsFramingAndItsTrailers() throws {
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6 \r\n world\r\n0\r\nDigest: x\r\n\r\n"
        #expect(try eventsWholeAndByteByByte(answer) == ["head 200 keep [Transfer-Encoding: chunked]", "body hello world", "end"])
    }

    @Test func anAnswerOfNoStatedLengthEndsAtTheClose() throws {
        var parser = UpstreamResponseParser()
        #expect(try events(["HTTP/1.1 200 OK\r\nServer: x\r\n\r\nab", "c"], parser: &parser) == ["head 200 [Server: x]", "body abc"])
        #expect(parser.endsAtClose)
        guard case .end = try parser.finish() else {
            Issue.record("the close did not end the answer")
            return
        }
        #expect(try parser.finish() == nil, "ended twice")
    }

    @Test func bodyBytesComeAsTheyAreReadNotWhenTheAnswerIsWhole() throws {
        var parser = UpstreamResponseParser()
        #expect(try events(["HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc"], parser: &parser) == ["head 200 keep [Content-Length: 6]", "body abc"])
        parser.append(ByteBuffer(string: "def"))
        guard case .body(let rest) = try parser.next() else {
            Issue.record("the rest of the body did not come")
            return
        }
        #expect(String(buffer: rest) == "def")
    }

    @Test func answersWithoutABodyEndAfterTheirHead() throws {
        #expect(try events("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", answeringHEAD: true) == ["head 200 keep [Content-Length: 5]", "end"])
        #expect(try events("HTTP/1.1 204 No Content\r\n\r\n") == ["head 204 keep []", "end"])
        #expect(try events("HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n") == ["head 304 keep [ETag: \"a\"]", "end"])
        #expect(try events("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == ["head 200 keep [Content-Length: 0]", "end"])
    }

    @Test func informationalHeadsAreSkipped() throws {
        let answer = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
        #expect(try eventsWholeAndByteByByte(answer) == ["head 200 keep [Content-Length: 1]", "body x", "end"])
    }

    @Test func whetherTheConnectionIsKept() throws {
        #expect(try events("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") == ["head 200 [Connection: close, Content-Length: 0]", "end"])
        #expect(try events("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == ["head 200 [Content-Length: 0]", "end"])
        #expect(try events("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n") == ["head 200 keep [Connection: Keep-Alive, Content-Length: 0]", "end"])
        #expect(try events("HTTP/1.1 200 OK\r\nConnection: upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n").first == "head 200 [Connection: upgrade, CLOSE, Content-Length: 0]")
    }

    @Test func oneConnectionCarriesAnswerAfterAnswer() throws {
        var parser = UpstreamResponseParser()
        for body in ["first", "second"] {
            let answer = "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            #expect(try events([answer], parser: &parser) == ["head 200 keep [Content-Length: \(body.utf8.count)]", "body \(body)", "end"])
        }
    }

    @Test func bareLineFeedsEndLinesAndEqualLengthsAreOneLength() throws {
        #expect(try eventsWholeAndByteByByte("HTTP/1.1 200 OK\nContent-Length: 2, 2\nContent-Length: 2\n\nok") == [
            "head 200 keep [Content-Length: 2, 2, Content-Length: 2]", "body ok", "end",
        ])
        #expect(try eventsWholeAndByteByByte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\n0\n\n") == [
            "head 200 keep [Transfer-Encoding: chunked]", "body ok", "end",
        ])
    }

    @Test func fieldValuesAreTrimmedAndAnUnknownStatusKeepsItsReason() throws {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: false)
        parser.append(ByteBuffer(string: "HTTP/1.1 299 All Fine\r\nX-A: \t padded value \t\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n"))
        guard case .head(let head) = try parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(head.status == .custom(code: 299, reasonPhrase: "All Fine"))
        #expect(head.fields.first(.init("X-A")!) == "padded value")
        #expect(head.fields.first(.init("X-Empty")!) == "")
        #expect(try events("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n").first == "head 404 keep [Content-Length: 0]")
    }

    /// Each answer is refused with a reason; none gives a head first.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "differ"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "differ"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "is not a length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "empty Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "is not a length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", "is not a length"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "not chunked alone"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "not chunked alone"),
        ("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n\r\n", "folded"),
        ("HTTP/1.1 200 OK\r\nX-A : one\r\n\r\n", "not a token"),
        ("HTTP/1.1 200 OK\r\nX-A one\r\n\r\n", "without a colon"),
        ("HTTP/1.1 200 OK\r\nX-A: one\rX-B: two\r\n\r\n", "control character"),
        ("HTTP/1.1 200 OK\r\nX-A: one\0\r\n\r\n", "control character"),
        ("HTTP/1.1 200 O\u{7}K\r\n\r\n", "reason phrase"),
        ("HTTP/2 200 OK\r\n\r\n", "status line"),
        ("HTTP/1.2 200 OK\r\n\r\n", "status line"),
        ("HTTP/1.1 20 OK\r\n\r\n", "status line"),
        ("HTTP/1.1 200OK\r\n\r\n", "status line"),
        ("HTTP/1.1 600 Odd\r\n\r\n", "not in 100-599"),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "switches protocols"),
    ])
    func invalidHeadsAreRefused(answer: String, reason: String) throws {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: false)
        parser.append(ByteBuffer(string: answer))
        let error = #expect(throws: HTTP1MessageInvalid.self) { try parser.next() }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error"), not \(reason)")
    }

    @Test(arguments: [
        ("5\r\nhelloX\r\n", "longer than its size"),
        ("x\r\n", "no size"),
        ("5 x\r\nhello\r\n", "not a hex digit"),
        ("5;a=\rb\r\nhello\r\n", "chunk extension has a control character"),
        ("1000000000000000\r\n", "too large"),
        (String(repeating: "a", count: UpstreamResponseParser.chunkLineLimit + 1), "chunk-size line is over"),
    ])
    func invalidChunksAreRefused(chunks: String, reason: String) throws {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: false)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks))
        let error = #expect(throws: HTTP1MessageInvalid.self) {
            while try parser.next() != nil {}
        }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error"), not \(reason)")
    }

    @Test func aHeadOverTheLimitIsRefusedBeforeItEnds() throws {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: false)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        let field = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        var refused = false
        for _ in 0..<(UpstreamResponseParser.headLimit / field.utf8.count + 1) {
            parser.append(ByteBuffer(string: field))
            do {
                _ = try parser.next()
            } catch {
                refused = true
                #expect(error.reason.contains("head is over"))
                break
            }
        }
        #expect(refused)
    }

    @Test func bytesWithNoRequestOutstandingAreRefused() throws {
        var parser = UpstreamResponseParser()
        #expect(try parser.next() == nil)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"))
        #expect(throws: HTTP1MessageInvalid.self) { try parser.next() }
    }
}
