#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random numbers for one unit of work that needs several (a proxied request's id, trace id
/// and span ids): `count` words taken from the system's generator in one call (`getentropy`)
/// instead of a system call per word, then, should more be asked for, one call per word as
/// `SystemRandomNumberGenerator` does. As unpredictable as the system generator itself.
public struct PrefetchedRandom: RandomNumberGenerator {
    private var words: [UInt64]
    private var taken = 0
    private var system = SystemRandomNumberGenerator()

    /// Takes `count` words (up to 32: `getentropy`'s 256 bytes) from the system now.
    public init(words count: Int) {
        let count = max(0, min(count, 32))
        words = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let start = buffer.baseAddress, count > 0 else { return }
            // getentropy(3): the getrandom system call, blocking only before the kernel's pool
            // is first seeded. Should it fail, the words come one call each from `system`.
            initialized = getentropy(start, count * 8) == 0 ? count : 0
        }
    }

    public mutating func next() -> UInt64 {
        guard taken < words.count else { return system.next() }
        defer { taken += 1 }
        return words[taken]
    }
}
