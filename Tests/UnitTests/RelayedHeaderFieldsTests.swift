import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

/// An upstream answer's fields on the event-loop path (``RelayedHeaderFields``): kept as the
/// bytes received, edited by name in any case, and written back byte for byte.
@Suite("Relayed header fields")
struct RelayedHeaderFieldsTests {
    /// The answer head the event-loop path writes for `fields`.
    static func written(_ fields: RelayedHeaderFields) -> String {
        String(buffer: HTTPHeadBytes.encode(startLine: ("HTTP/1.1", "200", "OK"), fields: fields, allocator: ByteBufferAllocator()))
    }

    @Test func receivedFieldsGoOutAsTheyCameThenTheAddedOnes() throws {
        var fields = try ForwardedHeadersTests.headRead("content-TYPE:   application/json  \r\nX-Empty:\r\nDate: Sun, 06 Dec 2026 20:00:00 GMT\r\n").fields
        fields.append(rawName: "X-Request-Id", "req-1")
        #expect(
            Self.written(fields)
                == "HTTP/1.1 200 OK\r\ncontent-TYPE: application/json\r\nX-Empty: \r\nDate: Sun, 06 Dec 2026 20:00:00 GMT\r\nX-Request-Id: req-1\r\n\r\n",
            "names as sent, values trimmed"
        )
    }

    /// A value's bytes that are not UTF-8 (obsolete text, RFC 9110 §5.5) are relayed as they
    /// are, not replaced: the gateway makes no string of a relayed field.
    @Test func aValueThatIsNotUTF8IsRelayedByteForByte() throws {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: true)
        var head = ByteBuffer(string: "HTTP/1.1 200 OK\r\nX-Latin: caf")
        head.writeBytes([0xE9, 0x0D, 0x0A, 0x0D, 0x0A])
        parser.append(head)
        guard case .head(let read) = try parser.next() else {
            Issue.record("no head")
            return
        }
        let bytes = HTTPHeadBytes.encode(startLine: ("HTTP/1.1", "200", "OK"), fields: read.fields, allocator: ByteBufferAllocator())
        #expect(Array(bytes.readableBytesView) == Array("HTTP/1.1 200 OK\r\nX-Latin: caf".utf8) + [0xE9, 0x0D, 0x0A, 0x0D, 0x0A])
    }

    @Test func namesAreFoundSetAndRemovedInAnyCaseInBothParts() throws {
        var fields = try ForwardedHeadersTests.headRead("X-A: 1\r\ncontent-length: 5\r\nx-a: 2\r\n").fields
        fields.append(rawName: "X-A", "3")
        #expect(fields.first(.init("x-A")!) == "1")
        #expect(fields.values(.init("X-A")!) == ["1", "2", "3"])
        #expect(fields.first(.contentLength) == "5")
        #expect(fields.first(.contentType) == nil)

        fields.set(.init("X-A")!, to: "4")
        #expect(fields.values(.init("x-a")!) == ["4"])
        fields.remove(.contentLength)
        #expect(fields.first(.contentLength) == nil)
        #expect(ForwardedHeadersTests.names(of: fields) == ["X-A"])
        #expect(Self.written(fields) == "HTTP/1.1 200 OK\r\nX-A: 4\r\n\r\n")
    }

    @Test func namesAreGivenAsBytesInOrder() throws {
        var fields = try ForwardedHeadersTests.headRead("Server: static\r\nContent-Type: text/plain\r\n").fields
        fields.append(rawName: "X-Frame-Options", "DENY")
        var names: [String] = []
        fields.forEachName { names.append(String(decoding: $0, as: UTF8.self)) }
        #expect(names == ["Server", "Content-Type", "X-Frame-Options"])
    }

    /// Both paths relay the same fields of the same answer: Hummingbird's (strings, through
    /// `downstream`) and the event-loop path's (bytes, through `relayed`).
    @Test func bothPathsRelayTheSameFields() throws {
        let lines = "Content-Type: application/json\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
            + "Transfer-Encoding: chunked\r\nX-Request-Id: theirs\r\nLocation: /orders/1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
        let read = try ForwardedHeadersTests.headRead(lines)
        let relayed = ForwardedHeaders.relayed(read.fields, connectionNamesFields: read.connectionNamesFields)
        let downstream = ForwardedHeaders.downstream(from: read.fields, as: HeaderFieldList.self)
        var relayedFields: [String] = []
        relayed.forEachField { relayedFields.append("\($0): \($1)") }
        var downstreamFields: [String] = []
        downstream.forEachField { downstreamFields.append("\($0): \($1)") }
        #expect(relayedFields == ["Content-Type: application/json", "Location: /orders/1", "Set-Cookie: a=1", "Set-Cookie: b=2"])
        #expect(relayedFields == downstreamFields)
    }
}
