import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection. Every method blocks the calling thread and must only be
/// called from a thread of the client's `NIOThreadPool`.
///
/// `@unchecked Sendable` because `redisContext` is not thread-safe, yet a connection has to move
/// between tasks and thread-pool threads. That is safe because a connection always has exactly
/// one owner: the pool (idle, under its mutex) or the single command that checked it out, which
/// uses it on one thread-pool thread at a time and hands it back through the pool's mutex
/// (which orders all accesses). It is never used after ``close()``, which the owner calls once.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    /// Connects, sets the command timeout, then sends `AUTH`, `SELECT` and `CLIENT SETNAME` as configured.
    static func connect(_ configuration: RedisConfiguration) throws(RedisError) -> RedisConnection {
        func failed(_ reason: String) -> RedisError {
            .connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port), configuration.connectTimeout.cTimeval) else {
            throw failed("hiredis could not allocate a context")
        }
        guard context.pointee.err == 0 else {
            let reason = Self.errorString(context)
            redisFree(context)
            throw failed(reason)
        }
        let connection = RedisConnection(context: context)
        do throws(RedisError) {
            guard redisSetTimeout(context, configuration.commandTimeout.cTimeval) == REDIS_OK else {
                throw failed("cannot set the command timeout: \(errorString(context))")
            }
            if let password = configuration.password {
                let arguments = [configuration.username, password].compactMap { $0 }
                try connection.handshake(command: "AUTH", arguments: arguments, configuration: configuration)
            }
            if configuration.database != 0 {
                try connection.handshake(command: "SELECT", arguments: [String(configuration.database)], configuration: configuration)
            }
            if let name = configuration.clientName {
                try connection.handshake(command: "CLIENT", arguments: ["SETNAME", name], configuration: configuration)
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Runs one setup command; an error reply or broken connection is a connection failure.
    private func handshake(command: String, arguments: [String], configuration: RedisConfiguration) throws(RedisError) {
        let reply: RedisValue
        do {
            reply = try run([Array(command.utf8)] + arguments.map { Array($0.utf8) }, name: command)
        } catch {
            throw .connectionFailed(host: configuration.host, port: configuration.port, reason: "\(command) failed: \(error)")
        }
        if case .error(let message) = reply {
            throw .connectionFailed(host: configuration.host, port: configuration.port, reason: "\(command) rejected: \(message)")
        }
    }

    /// Sends one command (binary-safe, `redisCommandArgv`) and returns its reply; an error reply
    /// is returned as ``RedisValue/error(_:)``. Throws only when the connection is unusable.
    func run(_ argv: [[UInt8]], name: String) throws(RedisError) -> RedisValue {
        let rawReply = Self.withArgv(argv) { count, pointers, lengths in
            redisCommandArgv(context, count, pointers, lengths)
        }
        guard let rawReply else {
            throw connectionError(command: name)
        }
        defer { freeReplyObject(rawReply) }
        return RedisValue(reply: rawReply.assumingMemoryBound(to: redisReply.self))
    }

    /// Sends all commands in one write (`redisAppendCommandArgv`), then reads one reply per command.
    func pipeline(_ commands: [[[UInt8]]], name: String) throws(RedisError) -> [RedisValue] {
        for argv in commands {
            let status = Self.withArgv(argv) { count, pointers, lengths in
                redisAppendCommandArgv(context, count, pointers, lengths)
            }
            guard status == REDIS_OK else { throw connectionError(command: name) }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var rawReply: UnsafeMutableRawPointer?
            guard redisGetReply(context, &rawReply) == REDIS_OK, let rawReply else {
                throw connectionError(command: name)
            }
            replies.append(RedisValue(reply: rawReply.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(rawReply)
        }
        return replies
    }

    /// Closes the socket and frees the context. Called exactly once, by the connection's owner.
    func close() {
        redisFree(context)
    }

    /// Classifies the context's error after a failed call. The connection must then be dropped.
    private func connectionError(command: String) -> RedisError {
        // errno is thread-local and read right after the failing call on this same thread.
        let code = errno
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK:
            return .timeout(command: command)
        case REDIS_ERR_EOF:
            return .io(reason: "the server closed the connection")
        case REDIS_ERR_PROTOCOL:
            return .io(reason: "protocol error: \(Self.errorString(context))")
        default:
            return .io(reason: Self.errorString(context))
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { buffer in
            let bytes = buffer.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Lays the arguments out in one buffer and calls `body` with hiredis' `argc, argv, argvlen`.
    private static func withArgv<Result>(
        _ argv: [[UInt8]],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        var storage: [UInt8] = []
        storage.reserveCapacity(argv.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in argv {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)  // never empty, so the buffer always has a base address
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            return pointers.withUnsafeMutableBufferPointer { pointerBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(argv.count), pointerBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }
}

extension RedisValue {
    /// Copies a hiredis reply tree into Swift values (the caller frees the reply).
    init(reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(node.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let element = node.element[index] {
                    elements.append(RedisValue(reply: element))
                } else {
                    elements.append(.null)
                }
            }
            self = .array(elements)
        default:
            self = .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}

extension Duration {
    /// The duration as a C `timeval` (microsecond precision), for hiredis' timeouts.
    var cTimeval: timeval {
        let (seconds, attoseconds) = components
        var value = timeval()
        value.tv_sec = .init(seconds)
        value.tv_usec = .init(attoseconds / 1_000_000_000_000)
        return value
    }
}
