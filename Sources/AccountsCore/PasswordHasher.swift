import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashing, run on a thread pool: hashing is deliberately slow CPU work that
/// must not hold an event loop or a cooperative thread.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    let threadPool: NIOThreadPool

    /// A hash of a random password, verified against when an email is unknown so that a login
    /// takes as long for an unknown email as for a wrong password.
    private let decoyHash: String

    public init(cost: Int, threadPool: NIOThreadPool) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = UInt8(cost)
        self.threadPool = threadPool
        self.decoyHash = Bcrypt.hash("decoy-password-for-unknown-accounts", cost: UInt8(cost))
    }

    /// The bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with `hash == nil`, spends the same time and says no.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let target = hash ?? decoyHash
        let matches = try await threadPool.runIfActive { Bcrypt.verify(password, hash: target) }
        return hash != nil && matches
    }
}
