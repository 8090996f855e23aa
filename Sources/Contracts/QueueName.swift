/// The queues of the system. Each worker executable consumes exactly one of them;
/// their topology and policy come from `queues.yaml`.
public enum QueueName: String, Sendable, CaseIterable, Codable {
    /// The checkout saga's orchestrator: order and inventory events.
    case checkout
    /// Stock reservations and releases, applied in the catalog schema.
    case updateInventory = "update-inventory"
    /// Removes ordered lines from a user's cart once the order is confirmed.
    case clearCart = "clear-cart"
    /// Renders and sends an email, recording it in the email log.
    case sendEmail = "send-email"
}
