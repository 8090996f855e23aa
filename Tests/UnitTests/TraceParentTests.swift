import Contracts
import Testing

@Suite("W3C trace context")
struct TraceParentTests {
    @Test func newTracesAreValidDistinctHeaders() throws {
        let traces = (0..<100).map { _ in TraceParent.newTrace() }
        #expect(Set(traces.map(\.traceID)).count == 100)
        for trace in traces {
            #expect(trace.traceID.count == 32 && trace.parentID.count == 16 && trace.flags == "01")
            #expect(trace.description.allSatisfy { "0123456789abcdef-".contains($0) })
            #expect(TraceParent(trace.description) == trace, "\(trace) does not parse back")
        }
    }

    @Test func randomHexWritesEachWordMostSignificantDigitFirst() {
        var words = FixedWords(words: [0x0123_4567_89ab_cdef, 0xf0])
        #expect(RandomHex.random(bytes: 16, using: &words) == "0123456789abcdef00000000000000f0")
        #expect(RandomHex.random(bytes: 16).utf8.count == 32)
    }

    @Test func aChildKeepsTheTraceWithANewSpan() throws {
        let parent = try #require(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let child = parent.child()
        #expect(child.traceID == parent.traceID && child.flags == parent.flags)
        #expect(child.parentID != parent.parentID && child.parentID.count == 16)
    }

    @Test(arguments: [
        "", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
    ])
    func invalidHeadersAreRefused(header: String) {
        #expect(TraceParent(header) == nil)
    }

    @Test func thePlaceholderIsNeverAValidTrace() {
        #expect(TraceParent(TraceParent.placeholder.description) == nil)
    }
}

/// Hands out the given words in order, as a random number generator.
private struct FixedWords: RandomNumberGenerator {
    var words: [UInt64]

    mutating func next() -> UInt64 {
        words.removeFirst()
    }
}
