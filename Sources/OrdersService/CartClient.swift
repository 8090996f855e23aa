import AsyncHTTPClient
import Contracts
import Foundation
import NIOCore
import ServiceKit

/// Reads the caller's cart from the cart service, on the caller's behalf (their own token):
/// the orders service can only ever see the cart of the user who is checking out.
struct CartClient: Sendable {
    let baseURL: String
    let http: HTTPClient
    let timeout: TimeAmount = .seconds(5)

    func cart(of identity: Identity, requestID: String) async throws(HTTPProblem) -> CartDTO {
        var request = HTTPClientRequest(url: "\(baseURL)/cart")
        request.headers.add(name: "Authorization", value: "Bearer \(identity.accessToken)")
        request.headers.add(name: "X-Request-Id", value: requestID)
        request.headers.add(name: "Accept", value: "application/json")
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = response.status.code
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw HTTPProblem.unavailable("The cart cannot be read right now; nothing was ordered. Try again shortly.")
        }
        guard status == 200, let cart = try? ShopJSON.decoder.decode(CartDTO.self, from: Data(buffer: body)) else {
            throw HTTPProblem.unavailable("The cart service answered \(status); nothing was ordered. Try again shortly.")
        }
        return cart
    }
}
