internal import CRabbitMQ
internal import CAMQPShims
import Foundation

/// One live rabbitmq-c connection: socket, login, channels and the replies of synchronous
/// methods. rabbitmq-c is not thread-safe, so a session is confined to the connection's
/// driver thread: every method, and `deinit`, runs there.
final class AMQPSession {
    let state: amqp_connection_state_t
    /// The socket, for `poll()`.
    let socketDescriptor: Int32
    /// The heartbeat interval the broker and client agreed on, in seconds (0: none).
    let heartbeatSeconds: Int
    /// Open channels and the serial of their opening (unique across sessions).
    private(set) var openChannels: [UInt16: UInt64] = [:]
    /// The highest channel number the broker allows.
    let channelMax: UInt16
    /// The channel ``freeChannel(from:)`` handed out last.
    private var lastAllocatedChannel: UInt16 = 0

    /// Connects and logs in, or throws ``AMQPError/connectionFailed(host:port:reason:)``.
    init(configuration: AMQPConfiguration) throws(AMQPError) {
        func failure(_ reason: String) -> AMQPError {
            .connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        guard let state = amqp_new_connection() else { throw failure("rabbitmq-c could not allocate a connection") }
        guard let socket = amqp_tcp_socket_new(state) else {
            amqp_destroy_connection(state)
            throw failure("rabbitmq-c could not allocate a socket")
        }
        var connectTimeout = timeval(configuration.connectTimeout)
        let opened = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &connectTimeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(state)
            throw failure(Self.describe(status: opened))
        }
        amqp_set_handshake_timeout(state, &connectTimeout)

        let pool = CAllocationPool()
        var clientProperties = pool.table([
            "connection_name": .string(configuration.connectionName),
            "product": "shop Messaging (rabbitmq-c)",
            "capabilities": .table([
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "publisher_confirms": true,
                "basic.nack": true,
                "authentication_failure_close": true,
            ]),
        ])
        let heartbeat = Self.heartbeatSeconds(configuration.heartbeat)
        let reply = shop_amqp_login_plain(
            state, configuration.virtualHost, 0, 131_072, Int32(heartbeat), &clientProperties,
            configuration.username, configuration.password
        )
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            let reason = Self.describe(reply: reply)
            amqp_destroy_connection(state)
            throw failure("login as '\(configuration.username)' to vhost '\(configuration.virtualHost)' failed: \(reason)")
        }
        var rpcTimeout = timeval(configuration.rpcTimeout)
        amqp_set_rpc_timeout(state, &rpcTimeout)

        self.state = state
        self.socketDescriptor = amqp_get_sockfd(state)
        self.heartbeatSeconds = Int(amqp_get_heartbeat(state))
        let negotiatedMax = amqp_get_channel_max(state)
        self.channelMax = negotiatedMax > 0 ? UInt16(clamping: negotiatedMax) : UInt16.max
    }

    deinit {
        // Closes the socket too; safe after a failed or completed connection.close.
        amqp_destroy_connection(state)
    }

    // MARK: Channels

    /// Whether `channel` is open, and which opening it is.
    func serial(of channel: UInt16) -> UInt64? {
        openChannels[channel]
    }

    /// A free channel number from `lowest` up, continuing after the last one handed out
    /// (wrapping around) rather than reusing the lowest: frames rabbitmq-c queued for a channel
    /// that was just closed must not be mistaken for frames of its successor.
    func freeChannel(from lowest: UInt16) -> UInt16? {
        guard lowest <= channelMax else { return nil }
        let count = Int(channelMax) - Int(lowest) + 1
        let start = max(lastAllocatedChannel, lowest - 1)
        for step in 1...count {
            let candidate = UInt16(Int(lowest) + (Int(start) - Int(lowest) + step) % count)
            if openChannels[candidate] == nil {
                lastAllocatedChannel = candidate
                return candidate
            }
        }
        return nil
    }

    /// Opens `channel`, recording `serial` as this opening's identity.
    func openChannel(_ channel: UInt16, serial: UInt64) throws(SessionError) {
        amqp_channel_open(state, channel)
        try checkLastReply(channel: channel, operation: "channel.open")
        openChannels[channel] = serial
    }

    /// Closes `channel` (the broker requeues its unacknowledged deliveries).
    func closeChannel(_ channel: UInt16) throws(SessionError) {
        guard openChannels[channel] != nil else { return }
        let reply = amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
        openChannels[channel] = nil
        try check(reply, channel: channel, operation: "channel.close")
    }

    /// Closes the connection cleanly (connection.close / close-ok), ignoring failures.
    func closeConnection() {
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        openChannels.removeAll()
    }

    /// Records that the broker closed `channel` and answers with channel.close-ok.
    func acknowledgeChannelClose(_ channel: UInt16) {
        var closeOK = amqp_channel_close_ok_t()
        _ = amqp_send_method(state, channel, shop_amqp_channel_close_ok, &closeOK)
        openChannels[channel] = nil
    }

    /// Answers the broker's connection.close with close-ok.
    func acknowledgeConnectionClose() {
        var closeOK = amqp_connection_close_ok_t()
        _ = amqp_send_method(state, 0, shop_amqp_connection_close_ok, &closeOK)
        openChannels.removeAll()
    }

    /// Releases rabbitmq-c's frame memory when no frame is queued.
    func releaseBuffers() {
        amqp_maybe_release_buffers(state)
    }

    /// Whether frames are queued or bytes buffered: reading would not touch the socket.
    var hasBufferedInput: Bool {
        amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
    }

    // MARK: Replies

    /// Checks the reply of the last synchronous method rabbitmq-c ran.
    func checkLastReply(channel: UInt16, operation: String) throws(SessionError) {
        try check(amqp_get_rpc_reply(state), channel: channel, operation: operation)
    }

    /// Turns a non-normal reply into a ``SessionError``, answering the broker's
    /// channel.close or connection.close as the protocol requires.
    func check(_ reply: amqp_rpc_reply_t, channel: UInt16, operation: String) throws(SessionError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == shop_amqp_channel_close:
            let close = reply.reply.decoded!.load(as: amqp_channel_close_t.self)
            let text = CDecoding.string(close.reply_text)
            acknowledgeChannelClose(channel)
            throw .channel(channel, code: Int(close.reply_code), text: text)
        default:
            if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == shop_amqp_connection_close {
                acknowledgeConnectionClose()
            }
            throw .connection(reason: "\(operation): \(Self.describe(reply: reply))")
        }
    }

    // MARK: Descriptions

    /// rabbitmq-c's text for a status code.
    static func describe(status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }

    /// A reply in words: the library error, or the broker's close code and text.
    static func describe(reply: amqp_rpc_reply_t) -> String {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return "ok"
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return describe(status: reply.library_error)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == shop_amqp_connection_close, let decoded = reply.reply.decoded {
                let close = decoded.load(as: amqp_connection_close_t.self)
                return "broker closed the connection: \(close.reply_code) \(CDecoding.string(close.reply_text))"
            }
            if reply.reply.id == shop_amqp_channel_close, let decoded = reply.reply.decoded {
                let close = decoded.load(as: amqp_channel_close_t.self)
                return "broker closed the channel: \(close.reply_code) \(CDecoding.string(close.reply_text))"
            }
            return "unexpected broker method \(String(cString: amqp_method_name(reply.reply.id)))"
        default:
            return "no reply"
        }
    }

    /// Whole seconds for the heartbeat; anything between 0 and 1 s rounds up to 1 s.
    static func heartbeatSeconds(_ duration: Duration) -> Int {
        let components = duration.components
        guard components.seconds > 0 || components.attoseconds > 0 else { return 0 }
        return max(1, Int(components.seconds) + (components.attoseconds > 0 ? 1 : 0))
    }
}

extension timeval {
    /// A `timeval` of `duration` (negative durations become zero).
    init(_ duration: Duration) {
        let components = duration.components
        guard components.seconds >= 0 else {
            self.init(tv_sec: 0, tv_usec: 0)
            return
        }
        self.init(tv_sec: Int(components.seconds), tv_usec: Int(components.attoseconds / 1_000_000_000_000))
    }
}
