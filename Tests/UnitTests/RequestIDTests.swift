import Contracts
import Foundation
import ServiceKit
import Testing

@Suite("request ids")
struct RequestIDTests {
    @Test func newIDsAreLowercaseVersion4UUIDs() throws {
        let ids = (0..<2_000).map { _ in RequestIDMiddleware.newID() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(200) {
            let characters = Array(id)
            #expect(characters.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" }, "\(id)")
            #expect(id.replacingOccurrences(of: "-", with: "").allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
            #expect(characters[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(characters[19]), "RFC 4122 variant: \(id)")
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuidString.lowercased() == id)
        }
    }

    /// The two words' digits in order, the version and variant digits set.
    @Test func anIDIsItsWordsInHexWithTheVersionAndVariant() {
        struct Fixed: RandomNumberGenerator {
            var words: [UInt64] = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210]
            mutating func next() -> UInt64 { words.removeFirst() }
        }
        var generator = Fixed()
        #expect(RequestIDMiddleware.newID(using: &generator) == "01234567-89ab-4def-bedc-ba9876543210")
    }

    @Test func everyRandomDigitVaries() {
        let ids = (0..<500).map { _ in Array(RequestIDMiddleware.newID()) }
        for position in 0..<36 where ![8, 13, 14, 18, 23].contains(position) {
            let seen = Set(ids.map { $0[position] })
            // 500 draws: a stuck or biased digit would show far fewer values.
            #expect(seen.count >= (position == 19 ? 4 : 12), "digit \(position) took only \(seen.sorted())")
        }
    }

    /// The gateway draws its requests' ids a batch of words at a time (``PrefetchedRandom``):
    /// the words it hands out are all different, across batches too.
    @Test(arguments: [1, 6, 32, 100])
    func prefetchedWordsAreAllDifferentAcrossBatches(batch: Int) {
        var random = PrefetchedRandom(batch: batch)
        let words = (0..<200).map { _ in random.next() }
        #expect(Set(words).count == 200, "repeated words: \(words)")
    }

    @Test func requestAndTraceIDsFromOneGeneratorShareNoWords() {
        var shared = PrefetchedRandom(batch: 6)
        let id = RequestIDMiddleware.newID(using: &shared)
        let trace = TraceParent.newTrace(using: &shared)
        let child = trace.child(using: &shared)
        #expect(UUID(uuidString: id) != nil && Array(id)[14] == "4", "\(id)")
        #expect(child.traceID == trace.traceID && child.parentID != trace.parentID)
        #expect(!id.replacingOccurrences(of: "-", with: "").contains(trace.traceID.prefix(16)), "ids share words")
    }
}
