internal import CRabbitMQ
internal import CAMQPShims
import Glibc

/// A method frame the broker sent on its own initiative, copied out of rabbitmq-c's memory.
enum IncomingMethod {
    case deliver(channel: UInt16, consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
    case returned(channel: UInt16, replyCode: Int, replyText: String, exchange: String, routingKey: String)
    case ack(channel: UInt16, deliveryTag: UInt64, multiple: Bool)
    case nack(channel: UInt16, deliveryTag: UInt64, multiple: Bool)
    /// The broker cancelled a consumer (its queue was deleted, or it failed over).
    case cancelled(channel: UInt16, consumerTag: String)
    /// The broker closed a channel; close-ok has been sent.
    case channelClosed(channel: UInt16, code: Int, text: String)
    /// The broker blocked publishing (resource alarm), or unblocked it.
    case blocked(reason: String)
    case unblocked
    /// Anything else (e.g. a late cancel-ok); logged and ignored.
    case other(channel: UInt16, name: String)
}

/// The content (header and body frames) following a deliver, return or get-ok.
struct MessageContent {
    var properties: MessageProperties
    var body: [UInt8]
}

extension AMQPSession {
    /// The next method frame: from rabbitmq-c's queue, its read buffer, or whatever the socket
    /// delivers within `timeout`; nil when none arrives. Each call lets rabbitmq-c send a
    /// heartbeat when one is due. Only a non-zero `timeout` also lets it notice a broker that
    /// stopped sending heartbeats: with a zero timeout rabbitmq-c's deadline is "immediately",
    /// which always comes before the heartbeat deadline it would otherwise check.
    /// Content frames are not returned: callers read them right after the method, with
    /// ``readContent(channel:)``.
    func nextMethod(timeout: Duration = .zero) throws(SessionError) -> IncomingMethod? {
        var frame = amqp_frame_t()
        var wait = timeval(timeout)
        while true {
            let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw .connection(reason: Self.describe(status: status))
            }
            guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else {
                // A header or body frame without its method cannot happen while every method
                // is followed by readContent; skip it rather than misread it.
                continue
            }
            return try decode(frame.payload.method, channel: frame.channel)
        }
    }

    /// Reads the header and body frames of the message whose method just arrived on `channel`.
    func readContent(channel: UInt16) throws(SessionError) -> MessageContent {
        var message = amqp_message_t()
        let reply = amqp_read_message(state, channel, &message, 0)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            throw .connection(reason: "reading message content: \(Self.describe(reply: reply))")
        }
        defer { amqp_destroy_message(&message) }
        return MessageContent(properties: CDecoding.properties(message.properties), body: CDecoding.bytes(message.body))
    }

    private func decode(_ method: amqp_method_t, channel: UInt16) throws(SessionError) -> IncomingMethod {
        guard let decoded = method.decoded else {
            return .other(channel: channel, name: String(cString: amqp_method_name(method.id)))
        }
        switch method.id {
        case shop_amqp_basic_deliver:
            let deliver = decoded.load(as: amqp_basic_deliver_t.self)
            return .deliver(
                channel: channel, consumerTag: CDecoding.string(deliver.consumer_tag), deliveryTag: deliver.delivery_tag,
                redelivered: deliver.redelivered != 0, exchange: CDecoding.string(deliver.exchange),
                routingKey: CDecoding.string(deliver.routing_key)
            )
        case shop_amqp_basic_ack:
            let ack = decoded.load(as: amqp_basic_ack_t.self)
            return .ack(channel: channel, deliveryTag: ack.delivery_tag, multiple: ack.multiple != 0)
        case shop_amqp_basic_nack:
            let nack = decoded.load(as: amqp_basic_nack_t.self)
            return .nack(channel: channel, deliveryTag: nack.delivery_tag, multiple: nack.multiple != 0)
        case shop_amqp_basic_return:
            let returned = decoded.load(as: amqp_basic_return_t.self)
            return .returned(
                channel: channel, replyCode: Int(returned.reply_code), replyText: CDecoding.string(returned.reply_text),
                exchange: CDecoding.string(returned.exchange), routingKey: CDecoding.string(returned.routing_key)
            )
        case shop_amqp_basic_cancel:
            let cancel = decoded.load(as: amqp_basic_cancel_t.self)
            return .cancelled(channel: channel, consumerTag: CDecoding.string(cancel.consumer_tag))
        case shop_amqp_channel_close:
            let close = decoded.load(as: amqp_channel_close_t.self)
            let text = CDecoding.string(close.reply_text)
            acknowledgeChannelClose(channel)
            return .channelClosed(channel: channel, code: Int(close.reply_code), text: text)
        case shop_amqp_connection_close:
            let close = decoded.load(as: amqp_connection_close_t.self)
            let reason = "broker closed the connection: \(close.reply_code) \(CDecoding.string(close.reply_text))"
            acknowledgeConnectionClose()
            throw .connection(reason: reason)
        case shop_amqp_connection_blocked:
            let blocked = decoded.load(as: amqp_connection_blocked_t.self)
            return .blocked(reason: CDecoding.string(blocked.reason))
        case shop_amqp_connection_unblocked:
            return .unblocked
        default:
            return .other(channel: channel, name: String(cString: amqp_method_name(method.id)))
        }
    }
}
