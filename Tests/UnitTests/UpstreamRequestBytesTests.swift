import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

@Suite("Upstream request bytes")
struct UpstreamRequestBytesTests {
    @Test func aHeadIsWrittenAsHTTP11InOnePass() {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "X-Request-Id", value: "req-1")
        headers.add(name: "Host", value: "catalog:8080")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/products/1?q=ü", headers: headers)
        let bytes = UpstreamConnection.requestBytes(head, allocator: ByteBufferAllocator())
        #expect(
            String(buffer: bytes)
                == "GET /products/1?q=ü HTTP/1.1\r\nAccept: application/json\r\nX-Request-Id: req-1\r\nHost: catalog:8080\r\n\r\n"
        )
    }

    @Test func aHeadWithoutFieldsAndAnyMethod() {
        let head = HTTPRequestHead(version: .http1_1, method: .RAW(value: "PURGE"), uri: "/", headers: [:])
        #expect(String(buffer: UpstreamConnection.requestBytes(head, allocator: ByteBufferAllocator())) == "PURGE / HTTP/1.1\r\n\r\n")
    }

    @Test func aWriterFillsExactlyTheBytesItWasGiven() {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 8) { raw in
            var writer = RawBytesWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<8]))
            writer.append(contentsOf: "abc")
            writer.append("defgh")
            return writer.count
        }
        #expect(written == 8)
        #expect(String(buffer: buffer) == "abcdefgh")
    }
}
