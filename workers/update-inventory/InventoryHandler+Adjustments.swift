import CatalogCore
import Contracts
import WorkerRuntime

extension InventoryHandler {
    /// Applies an admin's adjustment (once: a redelivery changes nothing) and says whether the
    /// stock changed. An unknown adjustment can never succeed: it is dead-lettered.
    func apply(_ command: AdjustInventory, context: MessageContext) async throws -> Bool {
        let id = "\(command.adjustmentId)"
        let product = "\(command.productId)"
        switch try await adjustments.apply(id: command.adjustmentId) {
        case .applied(let adjustment):
            context.logger.info(
                "stock adjusted",
                metadata: [
                    "adjustment.id": "\(id)", "product.id": "\(product)", "message.id": "\(context.messageID)",
                    "type": "\(adjustment.type.rawValue)", "quantity": "\(adjustment.quantity)",
                ]
            )
            return true
        case .refused(let adjustment):
            context.logger.warning(
                "stock adjustment refused",
                metadata: [
                    "adjustment.id": "\(id)", "product.id": "\(product)", "message.id": "\(context.messageID)",
                    "refusal": "\(adjustment.refusal ?? "")",
                ]
            )
            return false
        case .alreadySettled(let adjustment):
            context.logger.info(
                "stock adjustment already settled",
                metadata: [
                    "adjustment.id": "\(id)", "product.id": "\(product)", "message.id": "\(context.messageID)",
                    "status": "\(adjustment.status.rawValue)",
                ]
            )
            return false
        case .unknown:
            throw PermanentFailure("there is no inventory adjustment \(command.adjustmentId)")
        }
    }
}
