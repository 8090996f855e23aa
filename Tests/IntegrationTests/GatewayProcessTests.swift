import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `gateway` executable: streaming large bodies, reloading its config under traffic,
/// and cutting off clients that stall.
@Suite("Gateway process", .serialized)
struct GatewayProcessTests {
    static let mebibyte = 1 << 20

    /// An upstream that names itself on `GET /who`, counts a streamed upload on `POST /sink`
    /// (never holding it) and streams `GET /source?bytes=N` bytes back (without saying how
    /// many with `&chunked`: Hummingbird then sends them in chunks; `HEAD /source` says how many).
    func streamingUpstream(name: String) -> some ApplicationProtocol {
        let router = Router()
        router.get("/r/who") { _, _ in name }
        router.post("/r/sink") { request, _ -> String in
            var bytes = 0
            for try await chunk in request.body {
                bytes += chunk.readableBytes
            }
            return "\(bytes)"
        }
        // `bytes` of "a" (in chunks, with a length unless `chunked`); a POST's body is ignored.
        let source = { @Sendable (request: Request, _: BasicRequestContext) -> Response in
            let total = request.uri.queryParameters.get("bytes", as: Int.self) ?? 0
            let chunk = ByteBuffer(repeating: 0x61, count: 64 * 1024)
            let headers: HTTPFields = request.uri.queryParameters.get("chunked") == nil ? [.contentLength: "\(total)"] : [:]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var sent = 0
                while sent < total {
                    let size = min(chunk.readableBytes, total - sent)
                    try await writer.write(chunk.getSlice(at: 0, length: size)!)
                    sent += size
                }
                try await writer.finish(nil)
            })
        }
        router.get("/r/source", use: source)
        router.post("/r/source", use: source)
        router.head("/r/source") { request, _ -> Response in  // what its GET would answer, without the body
            Response(status: .ok, headers: [.contentLength: request.uri.queryParameters.get("bytes") ?? "0"])
        }
        router.get("/r/later") { _, _ -> String in
            try await Task.sleep(for: .seconds(1))
            return "later"
        }
        // The head goes out at once (Hummingbird flushes it alone), the body `after` ms later.
        router.get("/r/late-body") { request, _ -> Response in
            let delay = request.uri.queryParameters.get("after", as: Int.self) ?? 0
            return Response(status: .ok, headers: [.contentLength: "9"], body: ResponseBody { writer in
                try await Task.sleep(for: .milliseconds(delay))
                try await writer.write(ByteBuffer(string: "late-body"))
                try await writer.finish(nil)
            })
        }
        // 10 bytes of the 20 it announces, the rest `after` ms later: an answer that stalls
        // midway (to a GET, on the event-loop path; to a POST with a body, on the router's).
        let stalling: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            _ = try await request.body.collect(upTo: 1024)
            let delay = request.uri.queryParameters.get("after", as: Int.self) ?? 0
            return Response(status: .ok, headers: [.contentLength: "20"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "first-half"))
                try await Task.sleep(for: .milliseconds(delay))
                try await writer.write(ByteBuffer(string: "second-hal"))
                try await writer.finish(nil)
            })
        }
        router.get("/r/stall", use: stalling)
        router.post("/r/stall", use: stalling)
        router.get("/r/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// An upload of `bytes` zero bytes made 64 KiB at a time, never held whole.
    static func generatedBody(bytes: Int) -> AsyncStream<ByteBuffer> {
        let chunk = ByteBuffer(repeating: 0, count: 64 * 1024)
        let remaining = Mutex(bytes)
        return AsyncStream {
            let size = remaining.withLock { remaining in
                let size = min(remaining, chunk.readableBytes)
                remaining -= size
                return size
            }
            return size > 0 ? chunk.getSlice(at: 0, length: size) : nil
        }
    }

    @Test func fiftyMebibytesStreamThroughBothWaysWithoutTheGatewayHoldingThem() async throws {
        try await streamingUpstream(name: "big").test(.live) { upstream in
            let config = #"{"/r": {"upstream": "http://127.0.0.1:\#(upstream.port!)", "maxBodyBytes": 104857600}}"#
            let gateway = try await GatewayProcess(config: config)
            let http = HTTPClient.shared

            func upload(_ bytes: Int) async throws -> String {
                var request = HTTPClientRequest(url: "\(gateway.baseURL)/r/sink")
                request.method = .POST
                request.body = .stream(Self.generatedBody(bytes: bytes), length: .known(Int64(bytes)))
                let response = try await http.execute(request, timeout: .seconds(120))
                #expect(response.status == .ok)
                return String(buffer: try await response.body.collect(upTo: 1024))
            }
            func download(_ bytes: Int) async throws -> Int {
                let response = try await http.execute(HTTPClientRequest(url: "\(gateway.baseURL)/r/source?bytes=\(bytes)"), timeout: .seconds(120))
                #expect(response.status == .ok)
                var received = 0
                for try await chunk in response.body {
                    received += chunk.readableBytes
                }
                return received
            }

            // Warm up pools and allocators, then measure the peak over 50 MiB each way.
            #expect(try await upload(2 * Self.mebibyte) == "\(2 * Self.mebibyte)")
            #expect(try await download(2 * Self.mebibyte) == 2 * Self.mebibyte)
            try gateway.resetPeakMemory()
            let beforeUpload = try gateway.memory().resident
            #expect(try await upload(50 * Self.mebibyte) == "\(50 * Self.mebibyte)")
            let uploadGrowth = try gateway.memory().peak - beforeUpload
            try gateway.resetPeakMemory()
            let beforeDownload = try gateway.memory().resident
            #expect(try await download(50 * Self.mebibyte) == 50 * Self.mebibyte)
            let downloadGrowth = try gateway.memory().peak - beforeDownload
            // Holding a body would cost at least its 50 MiB; streaming costs a few buffers, plus
            // what glibc's per-thread arenas keep after a burst of 64 KiB buffers (seen up to ~25 MiB
            // on a loaded machine), hence the margin.
            #expect(uploadGrowth < 35 * Self.mebibyte, "the gateway's peak memory grew by \(uploadGrowth / Self.mebibyte) MiB for a 50 MiB upload")
            #expect(downloadGrowth < 35 * Self.mebibyte, "the gateway's peak memory grew by \(downloadGrowth / Self.mebibyte) MiB for a 50 MiB download")
            #expect(try await gateway.stop() == 0)
        }
    }

    @Test func sighupAndFileChangesReloadUnderTrafficWithoutDroppingARequest() async throws {
        try await streamingUpstream(name: "blue").test(.live) { blue in
            try await streamingUpstream(name: "green").test(.live) { green in
                func config(_ port: Int) -> String { #"{"/r": "http://127.0.0.1:\#(port)"}"# }
                let gateway = try await GatewayProcess(config: config(blue.port!), environment: ["GATEWAY_CONFIG_POLL_SECONDS": "1"])
                let tally = TrafficTally()

                try await withThrowingTaskGroup(of: Void.self) { traffic in
                    for _ in 0..<4 {
                        traffic.addTask {
                            while tally.running.load(ordering: .relaxed) {
                                do {
                                    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(gateway.baseURL)/r/who"), timeout: .seconds(10))
                                    let body = String(buffer: try await response.body.collect(upTo: 1024))
                                    if response.status == .ok {
                                        tally.answers.withLock { $0[body, default: 0] += 1 }
                                    } else {
                                        tally.failures.withLock { $0.append("\(response.status.code) \(body)") }
                                    }
                                } catch {
                                    tally.failures.withLock { $0.append("\(error)") }
                                }
                            }
                        }
                    }
                    func waitFor(_ name: String) async throws -> Bool {
                        tally.answers.withLock { $0[name] = 0 }
                        for _ in 0..<100 {
                            if tally.answers.withLock({ $0[name, default: 0] }) > 20 { return true }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        return false
                    }

                    #expect(try await waitFor("blue"))
                    // SIGHUP: green takes over (the poll is slower than the signal, but either reloads).
                    try gateway.writeConfig(config(green.port!))
                    gateway.process.signal(SIGHUP)
                    #expect(try await waitFor("green"), "SIGHUP did not switch the route")
                    // A broken file is refused and green keeps serving.
                    try gateway.writeConfig(#"{"/r": {"upstream": "http://127.0.0.1:1", "timout": 1}}"#)
                    gateway.process.signal(SIGHUP)
                    #expect(try await gateway.process.waitForLog("config.json refused"))
                    #expect(try await waitFor("green"), "a refused file changed the routes")
                    // A file change alone (no signal) is picked up by the poll.
                    try gateway.writeConfig(config(blue.port!))
                    #expect(try await waitFor("blue"), "the changed file was not reloaded")
                    tally.running.store(false, ordering: .relaxed)
                    try await traffic.waitForAll()
                }
                #expect(tally.failures.withLock { $0 } == [], "requests failed during reloads")
                #expect(gateway.process.log.contains("\"timout\" is not a known setting"))
                #expect(try await gateway.stop() == 0)
            }
        }
    }

    @Test func aClientThatStopsReadingSlowsTheUpstreamInsteadOfFillingTheGateway() async throws {
        try await streamingUpstream(name: "paused").test(.live) { upstream in
            let config = #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#
            let gateway = try await GatewayProcess(config: config)
            // Warm up pools and allocators.
            let warmUp = try RawConnection(port: gateway.port)
            try warmUp.send("GET /r/source?bytes=\(2 * Self.mebibyte) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await warmUp.readBody(within: .seconds(30)) == 2 * Self.mebibyte)

            try gateway.resetPeakMemory()
            let before = try gateway.memory().resident
            let reader = try RawConnection(port: gateway.port)
            try reader.send("GET /r/source?bytes=\(50 * Self.mebibyte) HTTP/1.1\r\nHost: x\r\n\r\n")
            // Not reading: once the sockets' buffers are full, the gateway must stop reading the
            // upstream rather than take in the other 40-odd MiB.
            try await Task.sleep(for: .seconds(2))
            let growth = try gateway.memory().peak - before
            #expect(growth < 35 * Self.mebibyte, "the gateway's peak memory grew by \(growth / Self.mebibyte) MiB while its client did not read")
            #expect(try await reader.readBody(within: .seconds(60)) == 50 * Self.mebibyte, "the whole answer arrives once the client reads")
            #expect(try await gateway.stop() == 0)
        }
    }

    @Test func clientsThatStallAreCutOff() async throws {
        try await streamingUpstream(name: "slow").test(.live) { upstream in
            let config = #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#
            let gateway = try await GatewayProcess(config: config, environment: ["GATEWAY_CLIENT_IDLE_TIMEOUT_SECONDS": "1"])
            // A request head that never ends: the connection is closed.
            let trickler = try RawConnection(port: gateway.port)
            try trickler.send("GET /r/who HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            let cutOff = try await trickler.readUntilClosed(within: .seconds(15))
            #expect(cutOff.closed, "a client that never finished its request head kept the connection")

            // An upload that stalls halfway, while the upstream waits for the rest: cut off too.
            let staller = try RawConnection(port: gateway.port)
            try staller.send("POST /r/sink HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
            #expect(try await staller.readUntilClosed(within: .seconds(15)).closed, "a client whose upload stalled kept the connection")

            // An answer the client takes nothing of, on the router's path (a request with a
            // body), as on the event-loop path: cut off once it has waited out the limit.
            let deaf = try RawConnection(port: gateway.port)
            try deaf.send("POST /r/source?bytes=\(64 * Self.mebibyte) HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            try await Task.sleep(for: .seconds(5))  // not reading: the sockets' buffers fill, then the limit passes
            let (taken, deafClosed) = try await deaf.readUntilClosed(within: .seconds(30))
            #expect(deafClosed && taken.utf8.count < 64 * Self.mebibyte, "a client that took nothing of its answer kept the connection")

            // A kept-alive connection whose proxied requests keep coming is busy, not idle,
            // though it lives longer than the limit; once it goes quiet, it is closed.
            let regular = try RawConnection(port: gateway.port)
            for _ in 0..<5 {
                try regular.send("GET /r/who HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await regular.readBody(within: .seconds(5)) == "slow".utf8.count, "an active connection was cut off")
                try await Task.sleep(for: .milliseconds(400))
            }
            let quiet = ContinuousClock.now
            #expect(try await regular.readUntilClosed(within: .seconds(15)).closed, "an idle kept-alive connection stayed open")
            #expect(ContinuousClock.now - quiet > .milliseconds(500), "closed before the limit")

            // The gateway itself carries on.
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(gateway.baseURL)/r/who"), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(try await gateway.stop() == 0)
        }
    }

    /// The event-loop path writes the access log line itself: it must carry the request's ids
    /// like every other line of the request.
    @Test func proxiedRequestsAreLoggedWithTheirRequestAndTraceIDs() async throws {
        try await streamingUpstream(name: "logged").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            var request = HTTPClientRequest(url: "\(gateway.baseURL)/r/who?x=1")
            request.headers.add(name: "X-Request-Id", value: "log-check-7")
            request.headers.add(name: "traceparent", value: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers["X-Request-Id"] == ["log-check-7"])
            #expect(try await gateway.process.waitForLog("log-check-7"))
            // Test processes log as text: `… http.status=200 request.id=… trace.id=… [ServiceKit] request`.
            let line = gateway.process.logLine(containing: "request.id=log-check-7")
            #expect(line?.hasSuffix(" request") == true, "\(line ?? "no line")")
            #expect(line?.contains("trace.id=0af7651916cd43dd8448eb211c80319c") == true, "\(line ?? "no line")")
            #expect(line?.contains("http.path=/r/who ") == true, "\(line ?? "no line")")
            #expect(line?.contains("http.status=200") == true, "\(line ?? "no line")")
            #expect(try await gateway.stop() == 0)
        }
    }

    /// The access log line is written once the answer is out; an answer its client abandons
    /// halfway is logged all the same.
    @Test func anAnswerItsClientAbandonsIsStillLogged() async throws {
        try await streamingUpstream(name: "abandoned").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            do {
                let reader = try RawConnection(port: gateway.port)
                try reader.send("GET /r/source?bytes=\(50 * Self.mebibyte) HTTP/1.1\r\nHost: x\r\nX-Request-Id: abandoned-3\r\n\r\n")
                try await Task.sleep(for: .milliseconds(500))  // the answer began; the sockets' buffers fill
            }  // the client closes its connection, the answer unread
            #expect(try await gateway.process.waitForLog("request.id=abandoned-3"))
            let line = gateway.process.logLine(containing: "request.id=abandoned-3")
            #expect(line?.contains("http.status=200") == true, "\(line ?? "no line")")
            #expect(try await gateway.stop() == 0)
        }
    }

    /// An answer's head is held for its body, so the two reach the client in one write (one
    /// system call, one wake-up of the client), but not for longer than the pool's sweep allows.
    @Test func anAnswersHeadWaitsForItsBodyButNotForLong() async throws {
        try await streamingUpstream(name: "late").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            let soon = try RawConnection(port: gateway.port)
            try soon.send("GET /r/late-body?after=5 HTTP/1.1\r\nHost: x\r\n\r\n")
            let together = try await soon.readFirstChunk(within: .seconds(5))
            #expect(together.hasPrefix("HTTP/1.1 200") && together.hasSuffix("\r\n\r\nlate-body"), "head and body came apart: \(together)")

            let late = try RawConnection(port: gateway.port)
            let sent = ContinuousClock.now
            try late.send("GET /r/late-body?after=3000 HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await late.readFirstChunk(within: .seconds(5))
            #expect(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"), "\(head)")
            #expect(ContinuousClock.now - sent < .seconds(1), "the head waited for a body three seconds late")
            #expect(try await gateway.stop() == 0)
        }
    }

    @Test func aStoppingGatewayFinishesTheAnswerInFlightThenCloses() async throws {
        try await streamingUpstream(name: "draining").test(.live) { upstream in
            let gateway = try await GatewayProcess(config: #"{"/r": "http://127.0.0.1:\#(upstream.port!)"}"#)
            let waiting = try RawConnection(port: gateway.port)
            try waiting.send("GET /r/later HTTP/1.1\r\nHost: x\r\n\r\n")
            let idle = try RawConnection(port: gateway.port)
            try idle.send("GET /r/who HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await idle.readBody(within: .seconds(5)) == "draining".utf8.count)
            try await Task.sleep(for: .milliseconds(300))  // the upstream is still sleeping on /r/later

            #expect(try await gateway.stop() == 0)
            let (text, closed) = try await waiting.readUntilClosed(within: .seconds(5))
            #expect(text.hasPrefix("HTTP/1.1 200"), "the answer in flight was lost: \(text)")
            #expect(text.lowercased().contains("connection: close"), "the answer did not say the connection ends: \(text)")
            #expect(text.hasSuffix("later"))
            #expect(closed)
            #expect(try await idle.readUntilClosed(within: .seconds(5)).closed, "an idle kept-alive connection outlived the gateway's stop")
        }
    }
}

/// What the traffic of a reload test saw: answers by upstream name, and failures.
final class TrafficTally: Sendable {
    let answers = Mutex<[String: Int]>([:])
    let failures = Mutex<[String]>([])
    let running = Atomic<Bool>(true)
}

/// A plain TCP connection, for clients that misbehave on purpose.
///
/// Its reads block, so they run on NIO's blocking thread pool: blocked on the tests'
/// cooperative threads (two on this machine), they would starve the in-process gateways and
/// upstreams whose Hummingbird handlers need those threads.
final class RawConnection: Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RedisTestSetupError(description: "cannot connect to 127.0.0.1:\(port)") }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let sent = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, 0) }
        guard sent == text.utf8.count else { throw RedisTestSetupError(description: "send failed") }
    }

    /// Makes the connection's close a reset (`SO_LINGER` of 0): the peer's connection ends at
    /// once, without an end of input first.
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Half-closes the connection: the peer reads end of input, and may still answer.
    func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads one answer with a `Content-Length` and returns the length of its body as read,
    /// or what was read of it when `within` passes.
    func readBody(within timeout: Duration) async throws -> Int {
        try await NIOThreadPool.singleton.runIfActive { self.blockingReadBody(within: timeout) }
    }

    /// Reads until the peer closes the connection or `within` passes.
    func readUntilClosed(within timeout: Duration) async throws -> (text: String, closed: Bool) {
        try await NIOThreadPool.singleton.runIfActive { self.blockingReadUntilClosed(within: timeout) }
    }

    /// The text of the first chunk received (empty if none within `timeout`).
    func readFirstChunk(within timeout: Duration) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive {
            var received: [UInt8] = []
            self.receive(within: timeout) { chunk in
                received += chunk
                return true
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    private func blockingReadBody(within timeout: Duration) -> Int {
        var head: [UInt8] = []
        var expected: Int?
        var body = 0
        receive(within: timeout) { chunk in
            if expected == nil {
                head += chunk
                guard let end = head.indices.dropLast(3).first(where: { Array(head[$0..<$0 + 4]) == Array("\r\n\r\n".utf8) }) else { return false }
                let text = String(decoding: head[..<end], as: UTF8.self).lowercased()
                let length = text.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }?.dropFirst("content-length:".count)
                expected = length.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
                body = head.count - (end + 4)
            } else {
                body += chunk.count
            }
            return body >= expected!
        }
        return body
    }

    private func blockingReadUntilClosed(within timeout: Duration) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let closed = receive(within: timeout) { chunk in
            received += chunk
            return false
        }
        return (String(decoding: received, as: UTF8.self), closed)
    }

    /// Hands each chunk received to `take` until it returns true, the peer closes the
    /// connection (or resets it), or `timeout` passes; whether the peer closed it.
    @discardableResult
    private func receive(within timeout: Duration, _ take: (ArraySlice<UInt8>) -> Bool) -> Bool {
        var timeoutValue = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while ContinuousClock.now < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count > 0 {
                if take(buffer[0..<count]) { return false }
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                return true  // reset by the peer
            }
        }
        return false
    }
}
