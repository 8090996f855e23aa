import Contracts
import Foundation
import PostgresNIO
import Storage

extension ProductRepository {
    /// One page of the active products that match `filter`, in its order, with the total.
    public func list(_ filter: ProductFilter, page: Int, limit: Int) async throws -> Page<ProductDTO> {
        // One WHERE clause and one set of binds for both the page and the count.
        var binds = PostgresBindings()
        binds.append(filter.category)
        binds.append(filter.minPrice)
        binds.append(filter.maxPrice)
        binds.append(filter.inStock)
        binds.append(filter.text)
        let matching = """
            WHERE p.active
              AND ($1::text IS NULL OR p.category = $1)
              AND ($2::int IS NULL OR p.price_amount >= $2)
              AND ($3::int IS NULL OR p.price_amount <= $3)
              AND ($4::bool IS NULL OR (coalesce(i.available, 0) > 0) = $4)
              AND ($5::text IS NULL OR p.search @@ websearch_to_tsquery('english', $5))
            """
        var pageBinds = binds
        pageBinds.append(limit)
        pageBinds.append((page - 1) * limit)
        let rows = try await database.query(
            PostgresQuery(
                unsafeSQL: "\(Self.selectColumns) \(matching) ORDER BY \(filter.sort.orderBy) LIMIT $6 OFFSET $7",
                binds: pageBinds
            ))
        let countRows = try await database.query(
            PostgresQuery(
                unsafeSQL: "SELECT count(*)::int FROM catalog.products p LEFT JOIN catalog.inventory i ON i.product_id = p.id \(matching)",
                binds: binds
            ))
        var total = 0
        for count in try countRows.decode(Int.self) { total = count }
        return Page(items: try Self.products(from: rows), page: page, limit: limit, total: total)
    }
}
