import AsyncHTTPClient
import Contracts
import Foundation
import Logging
import NIOCore
import ServiceKit

/// Reads products from the catalog service over HTTP: services meet only through HTTP,
/// queues and `Contracts`, never through each other's tables.
struct CatalogClient: Sendable {
    let baseURL: String
    let http: HTTPClient
    let timeout: TimeAmount = .seconds(3)

    /// The active product with this id, or `nil` when the catalog has no such product.
    func product(id: UUID, requestID: String) async throws(HTTPProblem) -> ProductDTO? {
        var request = HTTPClientRequest(url: "\(baseURL)/products/\(id.uuidString.lowercased())")
        request.headers.add(name: "X-Request-Id", value: requestID)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await http.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            switch response.status.code {
            case 200: return try ShopJSON.decoder.decode(ProductDTO.self, from: Data(buffer: body))
            case 404: return nil
            default: throw CatalogUnavailable(reason: "status \(response.status.code)")
            }
        } catch {
            throw HTTPProblem.unavailable("The catalog cannot be reached right now; try again shortly.")
        }
    }

    /// The products with these ids that exist, fetched concurrently.
    func products(ids: some Sequence<UUID>, requestID: String) async throws(HTTPProblem) -> [UUID: ProductDTO] {
        do {
            return try await withThrowingTaskGroup(of: (UUID, ProductDTO?).self) { group in
                for id in ids {
                    group.addTask { (id, try await product(id: id, requestID: requestID)) }
                }
                var products: [UUID: ProductDTO] = [:]
                for try await (id, product) in group {
                    products[id] = product
                }
                return products
            }
        } catch let problem as HTTPProblem {
            throw problem
        } catch {
            throw HTTPProblem.unavailable("The catalog cannot be reached right now; try again shortly.")
        }
    }
}

struct CatalogUnavailable: Error {
    var reason: String
}
