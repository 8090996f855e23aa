import NIOCore
import NIOHTTP1

/// NIO's HTTP/1 response decoder, told of each request by the ``UpstreamConnection`` that sends
/// it rather than by watching the channel's writes.
///
/// The decoder must know which answer is to a `HEAD` (that one has no body). NIO's
/// `ByteToMessageHandler` tells it by taking every write as a request part, through an
/// unspecialised generic path: 12 % of a proxied request's instructions went to that and to the
/// request encoder it fed. The connection writes its request as finished bytes instead, and
/// tells the decoder of the head itself (``expectAnswer(to:)``).
struct UpstreamResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    /// NIO's decoder, which does the parsing (a class: the connection holds it too).
    let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)

    /// Tells the decoder a request of `method` is on its way, before its bytes are written (the
    /// method is all the decoder reads of a request's head).
    func expectAnswer(to method: HTTPMethod) {
        decoder.write(data: .head(HTTPRequestHead(version: .http1_1, method: method, uri: "")))
    }

    func decoderAdded(context: ChannelHandlerContext) {
        decoder.decoderAdded(context: context)
    }

    func decoderRemoved(context: ChannelHandlerContext) {
        decoder.decoderRemoved(context: context)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try decoder.decode(context: context, buffer: &buffer)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}
