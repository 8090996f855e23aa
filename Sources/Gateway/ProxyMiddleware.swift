import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit

/// Forwards every request whose path matches a route to that route's upstream: method,
/// path, query, headers (minus hop-by-hop ones, plus `X-Forwarded-*` and `X-Request-Id`)
/// and body. The response body streams through; the request body is read whole first (up
/// to `maxBodyBytes`, else `413`): Hummingbird reads the next request from the same
/// connection as soon as the handler returns, so no upload may still be running then. A path no route matches goes on to the gateway's own routes
/// (`/health`...) and otherwise ends as a `404` problem; an upstream that does not answer
/// gives `502`, one that is too slow `504`.
struct ProxyMiddleware: RouterMiddleware {
    typealias Context = ShopRequestContext

    let table: RouteTable
    let http: HTTPClient
    let timeout: TimeAmount
    let maxBodyBytes: Int

    func handle(_ request: Request, context: ShopRequestContext, next: (Request, ShopRequestContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let route = table.route(for: path) else {
            return try await next(request, context)
        }
        var upstreamRequest = HTTPClientRequest(url: route.upstream.url(path: path, query: request.uri.query))
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        upstreamRequest.headers = ForwardedHeaders.upstream(
            from: request.headers,
            authority: request.head.authority,
            clientAddress: context.remoteAddress,
            requestID: context.requestID
        )
        upstreamRequest.headers.replaceOrAdd(name: "traceparent", value: context.traceParent.child().description)
        if request.method != .get, request.method != .head {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxBodyBytes)
            } catch {
                throw HTTPProblem(.contentTooLarge, detail: "The request body is larger than \(maxBodyBytes) bytes.")
            }
            upstreamRequest.body = .bytes(body)
        }

        let response: HTTPClientResponse
        do {
            response = try await http.execute(upstreamRequest, timeout: timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            context.logger.warning("upstream timed out", metadata: ["upstream": "\(route.upstream)"])
            throw HTTPProblem(.gatewayTimeout, detail: "The service behind \(route.prefix) did not answer in time.")
        } catch {
            context.logger.warning("upstream unreachable", metadata: ["upstream": "\(route.upstream)", "error": "\(error)"])
            throw HTTPProblem(.badGateway, detail: "The service behind \(route.prefix) is not answering.")
        }
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: ForwardedHeaders.downstream(from: response.headers),
            body: ResponseBody(asyncSequence: response.body)
        )
    }
}
