import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Each answer framed for the client that asked: chunks only for HTTP/1.1, no body for `HEAD`.
extension GatewayProcessTests {
    /// A body of unknown length reaches an HTTP/1.1 client in chunks, and an HTTP/1.0 client
    /// (which cannot read chunks) as it is, ended by the connection's close even when it asked
    /// to keep the connection.
    @Test func aBodyOfUnknownLengthIsChunkedForHTTP11AndCloseDelimitedForHTTP10() async throws {
        try await streamingUpstream(name: "framing").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            let bytes = 150_000

            let modern = try RawConnection(port: gateway.port)
            try modern.send("GET /r/source?bytes=\(bytes)&chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let (chunkedText, _) = try await modern.readUntilClosed(within: .seconds(10))
            let (chunkedHead, chunkedBody) = try Self.split(chunkedText)
            #expect(chunkedHead.lowercased().contains("transfer-encoding: chunked"), "\(chunkedHead)")
            #expect(try Self.dechunk(chunkedBody) == String(repeating: "a", count: bytes))

            let old = try RawConnection(port: gateway.port)
            try old.send("GET /r/source?bytes=\(bytes)&chunked HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
            let (plainText, closed) = try await old.readUntilClosed(within: .seconds(10))
            let (plainHead, plainBody) = try Self.split(plainText)
            #expect(!plainHead.lowercased().contains("transfer-encoding"), "\(plainHead)")
            #expect(plainHead.lowercased().contains("connection: close"), "\(plainHead)")
            #expect(plainBody == String(repeating: "a", count: bytes))
            #expect(closed, "only the connection's close can end this body")
            #expect(try await gateway.stop() == 0)
        }
    }

    /// An answer to `HEAD` has a head only, on both paths (proxied, and the gateway's own
    /// routes), and the connection goes on with the next request.
    @Test func answersToHeadHaveNoBodyOnEitherPath() async throws {
        try await streamingUpstream(name: "heads").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            let connection = try RawConnection(port: gateway.port)
            try connection.send(
                "HEAD /r/source?bytes=5000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /r/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /r/who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            let (text, closed) = try await connection.readUntilClosed(within: .seconds(10))
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.count == 4, "\(text)")
            for answer in answers.dropLast() {
                #expect(answer.hasSuffix("\r\n\r\n"), "an answer to HEAD carried a body: \(answer)")
            }
            #expect(answers.first?.lowercased().contains("content-length: 5000") == true, "the HEAD's length is what its GET would get: \(text)")
            #expect(answers.dropFirst().first?.hasPrefix("404") == true, "\(text)")
            #expect(answers.last?.hasPrefix("200") == true && answers.last?.hasSuffix("heads") == true, "\(text)")
            #expect(closed)
            #expect(try await gateway.stop() == 0)
        }
    }

    /// A head and the body after its blank line.
    static func split(_ text: String) throws -> (head: String, body: String) {
        let end = try #require(text.range(of: "\r\n\r\n"), "no head in \(text.prefix(300))")
        return (String(text[..<end.lowerBound]), String(text[end.upperBound...]))
    }

    /// The data of a chunked body, which must end with its last chunk (read as bytes: a
    /// `String` would take each CRLF with what follows for one character).
    static func dechunk(_ body: String) throws -> String {
        let bytes = Array(body.utf8)
        var data: [UInt8] = []
        var position = 0
        while true {
            let lineEnd = try #require(
                bytes[position...].indices.first { bytes[$0] == UInt8(ascii: "\r") && $0 + 1 < bytes.count && bytes[$0 + 1] == UInt8(ascii: "\n") },
                "a chunk without its size line"
            )
            let size = try #require(Int(String(decoding: bytes[position..<lineEnd], as: UTF8.self), radix: 16), "a bad chunk size")
            position = lineEnd + 2
            if size == 0 {
                #expect(bytes[position...].elementsEqual("\r\n".utf8), "bytes after the last chunk")
                return String(decoding: data, as: UTF8.self)
            }
            try #require(position + size + 2 <= bytes.count, "a chunk cut short")
            data += bytes[position..<position + size]
            #expect(bytes[(position + size)..<(position + size + 2)].elementsEqual("\r\n".utf8), "a chunk longer than its size")
            position += size + 2
        }
    }
}
