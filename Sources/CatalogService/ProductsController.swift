import CatalogCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// `/products`: the catalog, read by anyone (through the cache), written by admins.
struct ProductsController: Sendable {
    let products: ProductRepository
    let cache: ProductCache

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("products")
        group.get(use: list)
        group.get(":id", use: show)
        group.post(use: create)
        group.post("bulk", use: createAll)
        group.put(":id", use: replace)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
    }

    /// `GET /products`: active products, filtered, searched, sorted and paged.
    @Sendable func list(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<ProductDTO>> {
        let query = try ProductListQuery(request.uri.queryParameters)
        let page = try await cache.value(for: query.cacheKey) {
            try await products.list(query.filter, page: query.paging.page, limit: query.paging.limit)
        }
        return JSONResponse(page ?? query.paging.page([ProductDTO](), total: 0))
    }

    /// `GET /products/:id`: one product with its stock; a deleted one is still readable,
    /// with `active: false`, for the orders that hold it.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<ProductDTO> {
        let id = try context.parameters.requireUUID("id")
        let product = try await cache.value(for: "product:\(id.uuidString)") {
            try await products.find(id: id)
        }
        guard let product else {
            throw HTTPProblem.notFound("There is no product with id \(id).")
        }
        return JSONResponse(product)
    }

    /// `POST /products` (admin): a new product with its initial stock.
    @Sendable func create(request: Request, context: ShopRequestContext) async throws -> JSONResponse<ProductDTO> {
        _ = try context.requireAdmin()
        let body = try await request.decodeJSON(CreateProductRequest.self, context: context)
        try ProductRules.validate(body)
        guard let product = try await products.create(body) else {
            throw HTTPProblem.conflict("A product with SKU '\(body.sku)' already exists.")
        }
        await cache.invalidate()
        context.logger.info("product created", metadata: ["product.id": "\(product.id)", "product.sku": "\(product.sku)"])
        return JSONResponse(product, status: .created, headers: [.location: "/products/\(product.id.uuidString)"])
    }
}
