import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import ServiceKit
import Testing

@testable import Gateway

@Suite("Forwarded headers")
struct ForwardedHeadersTests {
    @Test func hopByHopHeadersStayBehindAndForwardingHeadersAreAdded() {
        var fields = HTTPFields()
        fields[.connection] = "keep-alive, X-Secret-Hop"
        fields[HTTPField.Name("X-Secret-Hop")!] = "1"
        fields[.authorization] = "Bearer abc"
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("Keep-Alive")!] = "timeout=5"
        fields[HTTPField.Name("X-Forwarded-For")!] = "10.0.0.1"
        fields[HTTPField.Name("X-Request-Id")!] = "client-chosen"

        let headers = ForwardedHeaders.upstream(
            from: fields, authority: "shop.example", clientAddress: "192.168.1.9", requestID: "req-1"
        ).httpHeaders
        #expect(headers["Authorization"] == ["Bearer abc"])
        #expect(headers["Content-Type"] == ["application/json"])
        #expect(headers["Connection"].isEmpty)
        #expect(headers["Keep-Alive"].isEmpty)
        #expect(headers["X-Secret-Hop"].isEmpty)
        #expect(headers["Host"].isEmpty)
        #expect(headers["X-Forwarded-For"] == ["10.0.0.1, 192.168.1.9"])
        #expect(headers["X-Forwarded-Proto"] == ["http"])
        #expect(headers["X-Forwarded-Host"] == ["shop.example"])
        #expect(headers["X-Request-Id"] == ["req-1"])
    }

    /// A client cannot say who it is: the identity headers are the gateway's to set, on both
    /// paths' header types, in any case; the verified caller's are added after.
    @Test func aClientsIdentityHeadersNeverReachTheUpstream() {
        let spoofed = HTTPHeaders([("X-Authenticated-User-Id", "someone-else"), ("x-authenticated-role", "admin"), ("Accept", "*/*")])
        var nio = ForwardedHeaders.upstream(from: spoofed, authority: nil, clientAddress: nil, requestID: "r")
        var fields = ForwardedHeaders.upstream(
            from: HTTPFields(spoofed.map { HTTPField(name: HTTPField.Name($0.name)!, value: $0.value) }), authority: nil, clientAddress: nil,
            requestID: "r"
        )
        for headers in [nio.httpHeaders, fields.httpHeaders] {
            #expect(headers["X-Authenticated-User-Id"].isEmpty && headers["X-Authenticated-Role"].isEmpty)
            #expect(headers["Accept"] == ["*/*"])
        }
        let identity = Identity(userId: UUID(), email: "c@example.com", role: .customer, accessToken: "t")
        EdgeAuthenticator(tokens: nil).forward(identity, into: &nio)
        EdgeAuthenticator(tokens: nil).forward(identity, into: &fields)
        for headers in [nio.httpHeaders, fields.httpHeaders] {
            #expect(headers["X-Authenticated-User-Id"] == [identity.userId.uuidString.lowercased()])
            #expect(headers["X-Authenticated-Role"] == ["customer"])
        }
    }

    /// The names of `fields`, in order.
    static func names(of fields: some EdgeHeaderFields) -> [String] {
        var names: [String] = []
        fields.forEachField { name, _ in names.append(name) }
        return names
    }

    /// An upstream's head of field lines `lines` as the event-loop path reads it.
    static func headRead(_ lines: String) throws -> UpstreamResponseHead {
        var parser = UpstreamResponseParser()
        parser.expectAnswer(toHEAD: true)
        parser.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\(lines)\r\n"))
        guard case .head(let head) = try parser.next() else { throw HTTP1MessageInvalid("no head") }
        return head
    }

    @Test func responseHeadersLoseHopByHopOnes() throws {
        let headers = HTTPHeaders([
            ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"), ("Connection", "close, X-Drop"),
            ("X-Drop", "1"), ("Location", "/orders/1"), ("X-Request-Id", "upstream-id"),
        ])
        let fields = ForwardedHeaders.downstream(from: headers, as: HTTPFields.self)
        #expect(fields[.contentType] == "application/json")
        #expect(fields[.location] == "/orders/1")
        #expect(fields[.transferEncoding] == nil)
        #expect(fields[.connection] == nil)
        #expect(fields[HTTPField.Name("X-Drop")!] == nil)
        #expect(fields[HTTPField.Name("X-Request-Id")!] == nil)

        let read = try Self.headRead(headers.map { "\($0.name): \($0.value)\r\n" }.joined())
        #expect(read.connectionNamesFields)
        let relayed = ForwardedHeaders.relayed(read.fields, connectionNamesFields: read.connectionNamesFields)
        #expect(Self.names(of: relayed) == ["Content-Type", "Location"], "the event-loop path keeps the rest as sent, in order")
    }

    /// The parser tells whether `Connection` names fields: when it names none (`close`,
    /// `keep-alive`, the usual answer), the relay does not read it again.
    @Test func theParserTellsWhetherConnectionNamesFields() throws {
        #expect(try !Self.headRead("Connection: keep-alive\r\nX-Keep: 1\r\n").connectionNamesFields)
        #expect(try !Self.headRead("Connection: Close\r\n").connectionNamesFields)
        #expect(try !Self.headRead("X-Other: 1\r\n").connectionNamesFields)
        #expect(try Self.headRead("Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\n").connectionNamesFields)
        #expect(try Self.headRead("Connection: close\r\nconnection: x-hop\r\n").connectionNamesFields, "every Connection field counts")
        let read = try Self.headRead("Connection: keep-alive\r\nX-Keep: 1\r\n")
        let relayed = ForwardedHeaders.relayed(read.fields, connectionNamesFields: false)
        #expect(Self.names(of: relayed) == ["X-Keep"])
    }

    /// NIO's headers keep the client's spelling: hop-by-hop names are matched in any case.
    @Test func theEventLoopPathMatchesNamesInAnyCase() {
        let headers = HTTPHeaders([
            ("HOST", "shop.example"), ("connection", "X-Hop"), ("x-hop", "1"), ("TE", "trailers"), ("x-REQUEST-id", "client"),
            ("Content-Length", "0"), ("x-forwarded-proto", "https"), ("Accept", "application/json"),
        ])
        let upstream = ForwardedHeaders.upstream(from: headers, authority: "shop.example", clientAddress: "192.168.1.9", requestID: "req-1").httpHeaders
        #expect(upstream.map(\.name) == ["x-forwarded-proto", "Accept", "X-Forwarded-For", "X-Forwarded-Host", "X-Request-Id"])
        #expect(upstream["X-Forwarded-Proto"] == ["https"], "a proxy in front said so")
        #expect(upstream["X-Request-Id"] == ["req-1"])
    }

    @Test func caseInsensitiveNameMatching() {
        let hopByHop = HeaderNameSet(ForwardedHeaders.hopByHopNames)
        #expect(hopByHop.contains("Transfer-Encoding"))
        #expect(hopByHop.contains("KEEP-ALIVE"))
        #expect(!hopByHop.contains("Keep-Alivf"))
        #expect(!hopByHop.contains("hostname"))
        #expect(!HeaderNameSet(["{ost"]).contains("[ost"), "only letters fold")
        #expect(HeaderNameSet([""]).contains(""))
        #expect(!HeaderNameSet([]).contains(""))
        #expect(HeaderName.matches("Content-LENGTH", lowercased: "content-length"))
        #expect(!HeaderName.matches("Content-Lengths", lowercased: "content-length"))
    }

    /// The event-loop path's header blocks: set replaces every field of the name in any case,
    /// the rest keeps the order and spelling it was given.
    @Test func aHeaderFieldListSetsAndRemovesNamesInAnyCase() {
        var list = HeaderFieldList()
        list.append(rawName: "TRACEPARENT", "00-old")
        list.append(rawName: "Accept", "a")
        list.append(rawName: "traceparent", "00-older")
        list.set(.traceParent, to: "00-new")
        #expect(list.values(.traceParent) == ["00-new"])
        #expect(list.first(.accept) == "a")
        list.remove(.accept)
        #expect(list.first(.accept) == nil)
        list.append(.contentLength, "0")
        #expect(list.httpHeaders.map(\.name) == ["traceparent", "Content-Length"])
        #expect(list.httpHeaders["content-length"] == ["0"])
    }
}
