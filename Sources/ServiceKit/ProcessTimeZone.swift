#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every shop process keeps time in UTC unless its environment says otherwise.
enum ProcessTimeZone {
    /// Sets `TZ=GMT` when `TZ` is unset. Timestamps the shop writes are UTC already (logs,
    /// `Date` headers, mail); this only decides what "local time" means to libraries.
    ///
    /// The memory is why it is set rather than left to `/etc/localtime`: Foundation asks ICU
    /// for the canonical name of any zone but GMT, and Hummingbird formats its `Date` header
    /// with a calendar in the current zone, so that lookup pages in about 0.9 MB of ICU's data
    /// in every process (BENCHMARKS.md). Call it first thing, before other threads read the
    /// environment.
    static func defaultToUTC() {
        setenv("TZ", "GMT", 0)
    }
}
