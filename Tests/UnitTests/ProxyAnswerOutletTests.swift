import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Gateway

/// How the event-loop path's answers reach the socket (``ProxyAnswerOutlet``): a small answer
/// in one write, large parts as they come, in order, and Hummingbird's answers encoded by NIO.
@Suite("Proxy answer outlet")
struct ProxyAnswerOutletTests {
    let channel = EmbeddedChannel()
    let outlet = ProxyAnswerOutlet()

    init() throws {
        try channel.pipeline.syncOperations.addHandler(outlet)
    }

    /// What the socket was given, one entry per write.
    func writes() throws -> [String] {
        var writes: [String] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            writes.append(String(buffer: buffer))
        }
        return writes
    }

    @Test func aSmallAnswerIsOneWrite() throws {
        outlet.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
        outlet.writeBody(ByteBuffer(string: "hello"), framing: .raw)
        let written = channel.eventLoop.makePromise(of: Void.self)
        outlet.writeAndFlush(AnswerFraming.raw.end, promise: written)
        #expect(try writes() == ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"])
        try written.futureResult.wait()
    }

    @Test func chunksAreFramedAndGathered() throws {
        outlet.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
        outlet.writeBody(ByteBuffer(string: "hello"), framing: .chunked)
        outlet.writeBody(ByteBuffer(), framing: .chunked)  // an empty chunk would end the body: left out
        outlet.writeBody(ByteBuffer(string: "0123456789abcdef!"), framing: .chunked)
        outlet.writeAndFlush(AnswerFraming.chunked.end, promise: nil)
        #expect(try writes() == ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n11\r\n0123456789abcdef!\r\n0\r\n\r\n"])
    }

    @Test func nothingLeavesBeforeAFlushAndAFlushSendsWhatWasGathered() throws {
        outlet.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"))
        outlet.writeBody(ByteBuffer(string: "first"), framing: .raw)
        #expect(try writes().isEmpty)
        outlet.flush()  // the end of an upstream read
        #expect(try writes() == ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst"])
        outlet.writeBody(ByteBuffer(string: "later"), framing: .raw)
        outlet.writeAndFlush(AnswerFraming.raw.end, promise: nil)
        #expect(try writes() == ["later"])
    }

    @Test func aLargePartIsWrittenAsItIsAfterWhatCameBefore() throws {
        let large = String(repeating: "x", count: ProxyAnswerOutlet.gatherLimit + 1)
        outlet.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"))
        outlet.writeBody(ByteBuffer(string: large), framing: .raw)
        outlet.writeBody(ByteBuffer(string: "tail"), framing: .raw)
        let written = channel.eventLoop.makePromise(of: Void.self)
        outlet.writeAndFlush(ByteBuffer(string: large), promise: written)
        #expect(try writes() == ["HTTP/1.1 200 OK\r\n\r\n", large, "tail", large])
        try written.futureResult.wait()
    }

    @Test func hummingbirdsAnswersAreEncodedByNIO() throws {
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "2"])
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "ok"))))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(try writes().joined() == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    }
}
