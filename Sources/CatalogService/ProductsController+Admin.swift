import CatalogCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// The admin's changes to existing products, and bulk creation. Each one drops the cache.
extension ProductsController {
    /// `POST /products/bulk` (admin): every product or none; a bad row is named (`items[3].price.amount`).
    @Sendable func createAll(request: Request, context: ShopRequestContext) async throws -> JSONResponse<BulkCreateProductsResponse> {
        _ = try context.requireAdmin()
        let body = try await request.decodeJSON(BulkCreateProductsRequest.self, context: context)
        try ProductRules.validate(body)
        switch try await products.createAll(body.items) {
        case .created(let created):
            await cache.invalidate()
            context.logger.info("products created in bulk", metadata: ["products": "\(created.count)"])
            return JSONResponse(BulkCreateProductsResponse(items: created), status: .created)
        case .skuTaken(let positions):
            throw HTTPProblem(
                .conflict,
                detail: "Nothing was created: \(positions.count) SKU\(positions.count == 1 ? " is" : "s are") already taken.",
                errors: positions.map { ProblemDetails.FieldError(field: "items[\($0)].sku", message: "'\(body.items[$0].sku)' is already taken") }
            )
        }
    }

    /// `PUT /products/:id` (admin): replaces every descriptive field (stock is left alone).
    @Sendable func replace(request: Request, context: ShopRequestContext) async throws -> JSONResponse<ProductDTO> {
        _ = try context.requireAdmin()
        let id = try context.parameters.requireUUID("id")
        let body = try await request.decodeJSON(ReplaceProductRequest.self, context: context)
        try ProductRules.validate(body)
        let result = try await products.update(
            id: id, sku: body.sku, name: body.name, description: body.description ?? "", category: body.category, price: body.price
        )
        return try await answer(result, id: id, sku: body.sku, context: context)
    }

    /// `PATCH /products/:id` (admin): changes only the fields sent.
    @Sendable func update(request: Request, context: ShopRequestContext) async throws -> JSONResponse<ProductDTO> {
        _ = try context.requireAdmin()
        let id = try context.parameters.requireUUID("id")
        let body = try await request.decodeJSON(UpdateProductRequest.self, context: context)
        try ProductRules.validate(body)
        let result = try await products.update(
            id: id, sku: body.sku, name: body.name, description: body.description, category: body.category, price: body.price
        )
        return try await answer(result, id: id, sku: body.sku, context: context)
    }

    /// `DELETE /products/:id` (admin): a soft delete; the product stays readable by id.
    @Sendable func delete(request: Request, context: ShopRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let id = try context.parameters.requireUUID("id")
        guard try await products.deactivate(id: id) else {
            throw HTTPProblem.notFound("There is no active product with id \(id).")
        }
        await cache.invalidate()
        context.logger.info("product deleted", metadata: ["product.id": "\(id)"])
        return Response(status: .noContent)
    }

    private func answer(_ result: ProductChangeResult, id: UUID, sku: String?, context: ShopRequestContext) async throws -> JSONResponse<ProductDTO> {
        switch result {
        case .changed(let product):
            await cache.invalidate()
            context.logger.info("product changed", metadata: ["product.id": "\(id)", "product.sku": "\(product.sku)"])
            return JSONResponse(product)
        case .notFound:
            throw HTTPProblem.notFound("There is no active product with id \(id).")
        case .skuTaken:
            throw HTTPProblem.conflict("Another product already has SKU '\(sku ?? "")'.")
        }
    }
}
