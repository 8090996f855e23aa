import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

@Suite("Upstream request bytes")
struct UpstreamRequestBytesTests {
    @Test func aHeadIsWrittenAsHTTP11InOnePass() {
        var headers = HeaderFieldList()
        headers.append(rawName: "Accept", "application/json")
        headers.append(rawName: "X-Request-Id", "req-1")
        let bytes = UpstreamConnection.requestBytes(
            method: .GET, target: "/products/1?q=ü", host: "catalog:8080", headers: headers, allocator: ByteBufferAllocator()
        )
        #expect(
            String(buffer: bytes)
                == "GET /products/1?q=ü HTTP/1.1\r\nHost: catalog:8080\r\nAccept: application/json\r\nX-Request-Id: req-1\r\n\r\n"
        )
    }

    @Test func aHeadWithOnlyItsHostAndAnyMethod() {
        let bytes = UpstreamConnection.requestBytes(
            method: .RAW(value: "PURGE"), target: "/", host: "cache", headers: HeaderFieldList(), allocator: ByteBufferAllocator()
        )
        #expect(String(buffer: bytes) == "PURGE / HTTP/1.1\r\nHost: cache\r\n\r\n")
    }

    @Test func aWriterFillsExactlyTheBytesItWasGiven() {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 8) { raw in
            var writer = RawBytesWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<8]))
            writer.append(contentsOf: "abc")
            writer.appendFieldSeparator()
            writer.appendLineEnd()
            writer.append(UInt8(ascii: "h"))
            return writer.count
        }
        #expect(written == 8)
        #expect(String(buffer: buffer) == "abc: \r\nh")
    }
}
