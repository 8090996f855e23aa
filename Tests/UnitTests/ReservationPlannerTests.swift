import Contracts
import Foundation
import Testing

@testable import CatalogCore

@Suite("Reservation planning")
struct ReservationPlannerTests {
    let mug = UUID()
    let tee = UUID()

    func request(_ lines: [(UUID, Int)]) -> ReserveInventory {
        ReserveInventory(orderId: UUID(), lines: lines.map { StockLine(productId: $0.0, quantity: $0.1) })
    }

    @Test func ordersAreServedInTurnAllOrNothing() {
        var planner = ReservationPlanner(available: [mug: 3, tee: 1])
        let first = request([(mug, 2), (tee, 1)])
        let second = request([(mug, 1), (tee, 1)])
        let third = request([(mug, 1)])
        #expect(planner.reserve(first) == .reserved)
        guard case .rejected(let reason, let shortages) = planner.reserve(second) else {
            Issue.record("the second order was reserved although the tee is gone")
            return
        }
        #expect(reason == "not enough stock for 1 product")
        #expect(shortages == [StockShortage(productId: tee, requested: 1, available: 0)])
        // The rejected order held nothing: the last mug is still there for the third.
        #expect(planner.reserve(third) == .reserved)
        #expect(planner.available == [mug: 0, tee: 0])
        #expect(planner.movements.count == 3)
        #expect(planner.movements.allSatisfy { $0.quantity > 0 })
    }

    @Test func linesOfTheSameProductAreAddedUp() {
        var planner = ReservationPlanner(available: [mug: 3])
        #expect(planner.reserve(request([(mug, 2), (mug, 2)])) != .reserved)
        #expect(planner.available[mug] == 3)
        #expect(planner.reserve(request([(mug, 1), (mug, 2)])) == .reserved)
        #expect(planner.movements == [ReservationPlanner.Movement(orderId: planner.movements[0].orderId, productId: mug, quantity: 3)])
    }

    @Test func unknownProductsAndEmptyOrdersAreRejected() {
        var planner = ReservationPlanner(available: [mug: 3])
        guard case .rejected(_, let shortages) = planner.reserve(request([(tee, 1)])) else {
            Issue.record("reserved an unknown product")
            return
        }
        #expect(shortages == [StockShortage(productId: tee, requested: 1, available: 0)])
        #expect(planner.reserve(request([])) == .rejected(reason: "the order has no valid lines", shortages: []))
        #expect(planner.reserve(request([(mug, 0)])) == .rejected(reason: "the order has no valid lines", shortages: []))
        #expect(planner.reserve(request([(mug, -1)])) == .rejected(reason: "the order has no valid lines", shortages: []))
        #expect(planner.movements.isEmpty)
    }

    @Test func stockNeverGoesNegativeWhateverTheOrders() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var planner = ReservationPlanner(available: [mug: Int.random(in: 0...10, using: &generator), tee: Int.random(in: 0...10, using: &generator)])
            for _ in 0..<20 {
                _ = planner.reserve(request([(mug, Int.random(in: 1...4, using: &generator)), (tee, Int.random(in: 0...3, using: &generator))]))
                #expect(planner.available.values.allSatisfy { $0 >= 0 })
            }
        }
    }
}
