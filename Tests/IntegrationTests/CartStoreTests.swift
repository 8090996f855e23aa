import CartCore
import Contracts
import Foundation
import Logging
import NIOPosix
import RedisStore
import Testing
import TestSupport

/// The cart scripts against the real Redis of the test stack.
@Suite("Cart store (Redis)")
struct CartStoreTests {
    func withStore<T: Sendable>(_ body: @Sendable (CartStore) async throws -> T) async throws -> T {
        let redis = RedisClient(
            configuration: try RedisConfiguration(url: try TestEnvironment.redisURL),
            threadPool: NIOThreadPool.singleton,
            logger: TestDatabase.logger
        )
        let result: Result<T, any Error>
        do {
            result = .success(try await body(CartStore(redis: redis, idleLifetime: .seconds(3600), logger: TestDatabase.logger)))
        } catch {
            result = .failure(error)
        }
        await redis.shutdown()
        return try result.get()
    }

    @Test func addingAddsUpWithinTheLimits() async throws {
        try await withStore { store in
            let user = UUID()
            let product = UUID()
            let first = try await store.add(userId: user, productId: product, quantity: 2)
            let second = try await store.add(userId: user, productId: product, quantity: 3)
            let tooMany = try await store.add(userId: user, productId: product, quantity: 95)
            let lines = try await store.lines(userId: user)
            #expect(first == .updated(quantity: 2))
            #expect(second == .updated(quantity: 5))
            #expect(tooMany == .tooManyUnits)
            #expect(lines == [product: 5])
        }
    }

    @Test func aCartHoldsAtMostTheLineLimit() async throws {
        try await withStore { store in
            let user = UUID()
            var changes: [CartChange] = []
            for _ in 0..<CartStore.maximumLines {
                changes.append(try await store.add(userId: user, productId: UUID(), quantity: 1))
            }
            let oneTooMany = try await store.add(userId: user, productId: UUID(), quantity: 1)
            let lines = try await store.lines(userId: user)
            #expect(changes.allSatisfy { $0 == .updated(quantity: 1) })
            #expect(oneTooMany == .tooManyLines)
            #expect(lines.count == CartStore.maximumLines)
        }
    }

    @Test func orderedLinesAreRemovedExactlyOncePerOrder() async throws {
        try await withStore { store in
            let user = UUID()
            let mug = UUID()
            let tee = UUID()
            _ = try await store.add(userId: user, productId: mug, quantity: 3)
            _ = try await store.add(userId: user, productId: tee, quantity: 1)
            let order = UUID()
            let ordered = [StockLine(productId: mug, quantity: 2), StockLine(productId: tee, quantity: 1)]
            #expect(try await store.removeOrderedLines(userId: user, orderId: order, lines: ordered))
            #expect(try await store.lines(userId: user) == [mug: 1])
            // A redelivered message changes nothing, even after the user added more.
            _ = try await store.add(userId: user, productId: tee, quantity: 4)
            #expect(try await store.removeOrderedLines(userId: user, orderId: order, lines: ordered) == false)
            #expect(try await store.lines(userId: user) == [mug: 1, tee: 4])
        }
    }

    @Test func usersNeverSeeEachOthersCarts() async throws {
        try await withStore { store in
            let alice = UUID()
            let bob = UUID()
            let product = UUID()
            _ = try await store.add(userId: alice, productId: product, quantity: 2)
            #expect(try await store.lines(userId: bob).isEmpty)
            #expect(try await store.removeOrderedLines(userId: bob, orderId: UUID(), lines: [StockLine(productId: product, quantity: 2)]))
            #expect(try await store.lines(userId: alice) == [product: 2])
        }
    }
}
