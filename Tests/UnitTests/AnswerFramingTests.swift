import NIOHTTP1
import Testing

@testable import Gateway

/// How the proxy path frames an answer's body for its client.
@Suite("Answer framing")
struct AnswerFramingTests {
    func decide(
        _ status: HTTPResponseStatus, length: String?, method: HTTPMethod = .GET, version: HTTPVersion = .http1_1
    ) -> (framing: AnswerFraming, closes: Bool, headers: HTTPHeaders) {
        var headers = HeaderFieldList()
        headers.append(.contentType, "application/json")
        if let length { headers.append(.contentLength, length) }
        let (framing, closes) = AnswerFraming.decide(
            status: status, headers: &headers, answering: HTTPRequestHead(version: version, method: method, uri: "/")
        )
        return (framing, closes, headers.httpHeaders)
    }

    @Test func aBodyOfKnownLengthGoesAsItIs() {
        let answer = decide(.ok, length: "12")
        #expect(answer.framing == .raw && !answer.closes)
        #expect(answer.headers["Content-Length"] == ["12"] && answer.headers["Transfer-Encoding"].isEmpty)
    }

    @Test func aBodyOfUnknownLengthIsChunkedForHTTP11() {
        let answer = decide(.ok, length: nil)
        #expect(answer.framing == .chunked && !answer.closes)
        #expect(answer.headers["Transfer-Encoding"] == ["chunked"])
    }

    @Test func aBodyOfUnknownLengthEndsWithTheConnectionForHTTP10() {
        let answer = decide(.ok, length: nil, version: .http1_0)
        #expect(answer.framing == .raw && answer.closes)
        #expect(answer.headers["Transfer-Encoding"].isEmpty)
    }

    @Test func anAnswerToHeadHasNoBodyButTellsWhatItsGetWouldGet() {
        let known = decide(.ok, length: "12", method: .HEAD)
        #expect(known.framing == .none && !known.closes && known.headers["Content-Length"] == ["12"])
        let unknown = decide(.ok, length: nil, method: .HEAD)
        #expect(unknown.framing == .none && unknown.headers["Transfer-Encoding"] == ["chunked"])
    }

    @Test(arguments: [HTTPResponseStatus.noContent, .notModified])
    func statusesWithoutABodyLoseTheirFramingFields(status: HTTPResponseStatus) {
        let answer = decide(status, length: "12")
        #expect(answer.framing == .none && !answer.closes)
        #expect(answer.headers["Content-Length"].isEmpty && answer.headers["Content-Type"] == ["application/json"])
    }

    @Test func aChunkedBodyEndsWithTheLastChunk() {
        #expect(String(buffer: AnswerFraming.chunked.end) == "0\r\n\r\n")
        #expect(AnswerFraming.raw.end.readableBytes == 0 && AnswerFraming.none.end.readableBytes == 0)
    }
}
