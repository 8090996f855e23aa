import NIOHTTP1
import Testing

@testable import Gateway

/// How the proxy path frames an answer's body for its client.
@Suite("Answer framing")
struct AnswerFramingTests {
    func decide(
        _ status: HTTPResponseStatus, length: String?, method: HTTPMethod = .GET, version: HTTPVersion = .http1_1
    ) throws -> (framing: AnswerFraming, closes: Bool, headers: HTTPHeaders) {
        // The fields as the event-loop path has them: received from an upstream, kept as bytes.
        var headers = try ForwardedHeadersTests.headRead("Content-Type: application/json\r\n" + (length.map { "Content-Length: \($0)\r\n" } ?? "")).fields
        let (framing, closes) = AnswerFraming.decide(
            status: status, headers: &headers, answering: HTTPRequestHead(version: version, method: method, uri: "/")
        )
        var fields = HTTPHeaders()
        headers.forEachField { fields.add(name: $0, value: $1) }
        return (framing, closes, fields)
    }

    @Test func aBodyOfKnownLengthGoesAsItIs() throws {
        let answer = try decide(.ok, length: "12")
        #expect(answer.framing == .raw && !answer.closes)
        #expect(answer.headers["Content-Length"] == ["12"] && answer.headers["Transfer-Encoding"].isEmpty)
    }

    @Test func aBodyOfUnknownLengthIsChunkedForHTTP11() throws {
        let answer = try decide(.ok, length: nil)
        #expect(answer.framing == .chunked && !answer.closes)
        #expect(answer.headers["Transfer-Encoding"] == ["chunked"])
    }

    @Test func aBodyOfUnknownLengthEndsWithTheConnectionForHTTP10() throws {
        let answer = try decide(.ok, length: nil, version: .http1_0)
        #expect(answer.framing == .raw && answer.closes)
        #expect(answer.headers["Transfer-Encoding"].isEmpty)
    }

    @Test func anAnswerToHeadHasNoBodyButTellsWhatItsGetWouldGet() throws {
        let known = try decide(.ok, length: "12", method: .HEAD)
        #expect(known.framing == .none && !known.closes && known.headers["Content-Length"] == ["12"])
        let unknown = try decide(.ok, length: nil, method: .HEAD)
        #expect(unknown.framing == .none && unknown.headers["Transfer-Encoding"] == ["chunked"])
    }

    @Test(arguments: [HTTPResponseStatus.noContent, .notModified])
    func statusesWithoutABodyLoseTheirFramingFields(status: HTTPResponseStatus) throws {
        let answer = try decide(status, length: "12")
        #expect(answer.framing == .none && !answer.closes)
        #expect(answer.headers["Content-Length"].isEmpty && answer.headers["Content-Type"] == ["application/json"])
    }

    @Test func aChunkedBodyEndsWithTheLastChunk() {
        #expect(String(buffer: AnswerFraming.chunked.end) == "0\r\n\r\n")
        #expect(AnswerFraming.raw.end.readableBytes == 0 && AnswerFraming.none.end.readableBytes == 0)
    }
}
