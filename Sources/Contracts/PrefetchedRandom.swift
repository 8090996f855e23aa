#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random numbers for work that needs many (the ids of a connection's requests: request id,
/// trace id, span ids): words taken from the system's generator a batch at a time, one call
/// (`getentropy`) per batch instead of one per word or per request. As unpredictable as the
/// system generator itself; the words waiting in a batch become ids, which are no secret.
public struct PrefetchedRandom: RandomNumberGenerator {
    private var words: [UInt64]
    private var taken: Int
    private var system = SystemRandomNumberGenerator()

    /// A generator that takes `batch` words (1 to 32: `getentropy`'s 256 bytes) from the
    /// system whenever it has handed out the last ones; the first batch on the first word.
    public init(batch: Int = 32) {
        words = [UInt64](repeating: 0, count: max(1, min(batch, 32)))
        taken = words.count
    }

    public mutating func next() -> UInt64 {
        if taken == words.count {
            // getentropy(3): the getrandom system call, blocking only before the kernel's pool
            // is first seeded. Should it fail, this word comes from the system generator.
            guard words.withUnsafeMutableBytes({ getentropy($0.baseAddress, $0.count) }) == 0 else { return system.next() }
            taken = 0
        }
        defer { taken += 1 }
        return words[taken]
    }
}
