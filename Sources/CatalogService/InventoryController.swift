import CatalogCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// `/inventories`: a product's stock (anyone), its ledger and manual adjustments (admins).
/// Adjustments are applied by the `update-inventory` worker, the one writer of stock.
struct InventoryController: Sendable {
    let inventory: InventoryRepository
    let adjustments: InventoryAdjustmentRepository
    let publisher: MessagePublisher

    static let reasonLengths = 1...500
    static let quantities = 1...1_000_000

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("inventories")
        group.get(":productId", use: show)
        group.get(":productId/history", use: history)
        group.post(":productId/adjustments", use: adjust)
        group.get(":productId/adjustments/:adjustmentId", use: showAdjustment)
    }

    /// `GET /inventories/:productId`: available and reserved units now, from the database.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<InventoryDTO> {
        let productId = try context.parameters.requireUUID("productId")
        guard let stock = try await inventory.stock(productId: productId) else {
            throw HTTPProblem.notFound("There is no product with id \(productId).")
        }
        return JSONResponse(stock)
    }

    /// `GET /inventories/:productId/history` (admin): the ledger, newest movement first.
    @Sendable func history(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<InventoryMovementDTO>> {
        _ = try context.requireAdmin()
        let productId = try context.parameters.requireUUID("productId")
        var validator = Validator()
        let paging = PageRequest(request.uri.queryParameters, validator: &validator)
        try validator.validate()
        guard try await inventory.stock(productId: productId) != nil else {
            throw HTTPProblem.notFound("There is no product with id \(productId).")
        }
        return JSONResponse(try await inventory.history(productId: productId, page: paging.page, limit: paging.limit))
    }

    /// `POST /inventories/:productId/adjustments` (admin): records the adjustment as pending and
    /// queues it for the worker; `202` with the adjustment and its `Location`.
    @Sendable func adjust(request: Request, context: ShopRequestContext) async throws -> JSONResponse<InventoryAdjustmentDTO> {
        let admin = try context.requireAdmin()
        let productId = try context.parameters.requireUUID("productId")
        let body = try await request.decodeJSON(CreateInventoryAdjustmentRequest.self, context: context)
        var validator = Validator()
        validator.check(Self.quantities.contains(body.quantity), "quantity", "must be \(Self.quantities.lowerBound) to \(Self.quantities.upperBound)")
        validator.checkLength(body.reason, "reason", Self.reasonLengths)
        try validator.validate()

        guard let adjustment = try await adjustments.record(productId: productId, request: body, requestedBy: admin.userId) else {
            throw HTTPProblem.notFound("There is no active product with id \(productId).")
        }
        let id = adjustment.id.uuidString.lowercased()
        let location = "/inventories/\(productId.uuidString.lowercased())/adjustments/\(id)"
        do {
            try await publisher.publish(
                AdjustInventory(adjustmentId: adjustment.id, productId: productId),
                messageID: "inventory.adjust:\(id)", correlationID: id, traceParent: context.traceParent.child()
            )
        } catch {
            context.logger.error("inventory.adjust not confirmed by the broker", metadata: ["adjustment.id": "\(id)", "error": "\(error)"])
            // A publish that timed out may still reach the broker: if a worker took the
            // adjustment first, it is on its way (or done) and the caller must hear so.
            if let abandoned = try? await adjustments.abandon(id: adjustment.id, reason: "could not be queued; nothing changed"),
                !abandoned
            {
                context.logger.warning("inventory.adjust reached the broker after all", metadata: ["adjustment.id": "\(id)"])
                let current = (try? await adjustments.find(id: adjustment.id, productId: productId)) ?? adjustment
                return JSONResponse(current, status: .accepted, headers: [.location: location])
            }
            throw HTTPProblem.unavailable("The adjustment cannot be queued right now; nothing changed. Try again shortly.")
        }
        context.logger.info(
            "inventory adjustment queued",
            metadata: ["adjustment.id": "\(id)", "product.id": "\(productId)", "type": "\(body.type.rawValue)", "quantity": "\(body.quantity)"]
        )
        return JSONResponse(adjustment, status: .accepted, headers: [.location: location])
    }

    /// `GET /inventories/:productId/adjustments/:adjustmentId` (admin): one adjustment and its outcome.
    @Sendable func showAdjustment(request: Request, context: ShopRequestContext) async throws -> JSONResponse<InventoryAdjustmentDTO> {
        _ = try context.requireAdmin()
        let productId = try context.parameters.requireUUID("productId")
        let id = try context.parameters.requireUUID("adjustmentId")
        guard let adjustment = try await adjustments.find(id: id, productId: productId) else {
            throw HTTPProblem.notFound("Product \(productId) has no adjustment \(id).")
        }
        return JSONResponse(adjustment)
    }
}
