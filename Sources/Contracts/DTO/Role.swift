/// What a user may do. Customers shop; admins also manage the catalog and see every order.
public enum Role: String, Codable, Sendable, CaseIterable {
    case customer
    case admin
}
