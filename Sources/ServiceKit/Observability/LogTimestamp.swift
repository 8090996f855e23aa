#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment as log lines write it: UTC, ISO 8601 with milliseconds (`2026-11-22T02:08:26.123Z`,
/// always ``size`` bytes). Written straight into a line's bytes by the access log
/// (``JSONBytes``), not made into a string first: a line per request.
struct LogTimestamp: CustomStringConvertible {
    /// The bytes a timestamp takes.
    static let size = 24

    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int

    /// Now, from the real-time clock.
    static func now() -> LogTimestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let seconds = Int(now.tv_sec)
        var days = seconds / 86_400
        if seconds % 86_400 < 0 { days -= 1 }  // before 1970: the day before, rounded down
        let second = seconds - days * 86_400
        let date = civilDate(daysSinceEpoch: days)
        return LogTimestamp(
            year: date.year, month: date.month, day: date.day,
            hour: second / 3600, minute: second / 60 % 60, second: second % 60, millisecond: Int(now.tv_nsec) / 1_000_000
        )
    }

    /// The (proleptic Gregorian) date `days` after 1970-01-01: Howard Hinnant's
    /// `civil_from_days`, arithmetic only. (`gmtime_r` takes glibc's process-wide time zone
    /// lock on every call, for a log line per request from every event loop.)
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days since 0000-03-01: leap days fall at the end of a year
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097  // 400-year cycles
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // March is 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Writes the timestamp's ``size`` bytes at the start of `buffer`, digit by digit.
    func write(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= Self.size, "LogTimestamp: \(Self.size) bytes needed")
        var index = 0
        func put(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            for _ in 0..<width {
                buffer[index] = UInt8(ascii: "0") + UInt8((value / divisor) % 10)
                index += 1
                divisor /= 10
            }
        }
        func put(_ separator: Unicode.Scalar) {
            buffer[index] = UInt8(ascii: separator)
            index += 1
        }
        put(year, width: 4)
        put("-")
        put(month, width: 2)
        put("-")
        put(day, width: 2)
        put("T")
        put(hour, width: 2)
        put(":")
        put(minute, width: 2)
        put(":")
        put(second, width: 2)
        put(".")
        put(millisecond, width: 3)
        put("Z")
    }

    var description: String {
        String(unsafeUninitializedCapacity: Self.size) { buffer in
            write(into: buffer)
            return Self.size
        }
    }
}
