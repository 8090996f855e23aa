import Contracts
import Foundation
import Testing
import TestSupport

/// `MessageJSONDecoder` must decode as Foundation's `JSONDecoder` (with `.iso8601` dates) does:
/// the cases below are decoded by both, and their values, or their errors' kinds and coding
/// paths, must be the same. Where it differs on purpose (a field named for a number that does
/// not fit, strict UUIDs, invalid JSON anywhere refused), the test says so and checks both sides.
@Suite("MessageJSONDecoder agrees with Foundation's JSONDecoder")
struct MessageJSONDecoderTests {
    struct Line: Codable, Equatable {
        var productId: UUID
        var quantity: Int
    }

    struct Order: Codable, Equatable {
        var id: UUID
        var lines: [Line]
        var note: String?
        var paid: Bool
        var total: Double
        var tags: [String: Int]
    }

    struct Numbers: Codable, Equatable {
        var i8: Int8
        var u16: UInt16
        var i64: Int64
        var u64: UInt64
        var float: Float
    }

    struct Special: Codable, Equatable {
        var at: Date
        var data: Data
        var url: URL
        var amount: Decimal
    }

    enum Kind: String, Codable, Equatable { case a, b }

    /// What a decoder made of a document: the value, or the error's kind and path.
    enum Outcome<T: Equatable>: Equatable, CustomStringConvertible {
        case value(T)
        case failure(kind: String, path: String)

        init(_ body: () throws -> T) {
            do {
                self = .value(try body())
            } catch let error as DecodingError {
                let (kind, context): (String, DecodingError.Context) =
                    switch error {
                    case .typeMismatch(_, let context): ("typeMismatch", context)
                    case .valueNotFound(_, let context): ("valueNotFound", context)
                    case .keyNotFound(let key, let context): ("keyNotFound(\(key.stringValue))", context)
                    case .dataCorrupted(let context): ("dataCorrupted", context)
                    @unknown default: ("unknown", DecodingError.Context(codingPath: [], debugDescription: ""))
                    }
                self = .failure(kind: kind, path: context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "."))
            } catch {
                self = .failure(kind: "not a DecodingError: \(error)", path: "")
            }
        }

        var description: String {
            switch self {
            case .value(let value): "value \(value)"
            case .failure(let kind, let path): "\(kind) at '\(path)'"
            }
        }
    }

    static let foundation: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Decodes `json` with both decoders and expects the same outcome; returns ours.
    @discardableResult
    func expectAgreement<T: Decodable & Equatable>(
        _ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Outcome<T> {
        let bytes = Array(json.utf8)
        let ours = Outcome { try MessageJSONDecoder().decode(T.self, from: bytes) }
        let theirs = Outcome { try Self.foundation.decode(T.self, from: Data(bytes)) }
        #expect(ours == theirs, "\(T.self) from \(json)", sourceLocation: sourceLocation)
        return ours
    }

    /// The one deliberate difference: a value that is JSON but does not fit its field (a number
    /// out of range, a string that is not a date) is reported at that field, where Foundation
    /// reports an empty coding path. Both must refuse it as `dataCorrupted`.
    func expectRefusedAtTheField<T: Decodable & Equatable>(
        _ type: T.Type, _ json: String, field: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let bytes = Array(json.utf8)
        let ours = Outcome { try MessageJSONDecoder().decode(T.self, from: bytes) }
        let theirs = Outcome { try Self.foundation.decode(T.self, from: Data(bytes)) }
        #expect(ours == .failure(kind: "dataCorrupted", path: field), "\(json)", sourceLocation: sourceLocation)
        #expect(theirs == .failure(kind: "dataCorrupted", path: ""), "\(json)", sourceLocation: sourceLocation)
    }

    static let productId = "6F9619FF-8B86-D011-B42D-00C04FC964FF"

    @Test("a nested document with optionals, arrays and a dictionary")
    func nestedDocuments() {
        let full = """
            {"id": "\(Self.productId)", "lines": [{"productId": "\(Self.productId)", "quantity": 2}, {"quantity": 1, "productId": "\(Self.productId)"}],
             "note": "ring twice", "paid": true, "total": 12.5, "tags": {"a": 1, "b": -2}}
            """
        guard case .value(let order) = expectAgreement(Order.self, full) else {
            Issue.record("the full order did not decode")
            return
        }
        #expect(order.lines.map(\.quantity) == [2, 1])
        #expect(order.tags == ["a": 1, "b": -2])
        expectAgreement(Order.self, #"{"id": "\#(Self.productId.lowercased())", "lines": [], "note": null, "paid": false, "total": 0, "tags": {}}"#)
        expectAgreement(Order.self, #"{"id": "\#(Self.productId)", "lines": [], "paid": false, "total": 1e2, "tags": {}}"#)
        expectAgreement(Order.self, #" { "id" : "\#(Self.productId)" , "lines" : [ ] , "paid" : false , "total" : -0.5 , "tags" : { } } "#)
    }

    @Test("the errors name the same field, for every way a document can be wrong")
    func errors() {
        let line = #"{"productId": "\#(Self.productId)", "quantity": 2}"#
        let cases = [
            #"{"lines": [], "paid": false, "total": 1, "tags": {}}"#,  // id missing
            #"{"id": "nope", "lines": [], "paid": false, "total": 1, "tags": {}}"#,  // not a UUID
            #"{"id": "6F9619FF-8B86-D011-B42D-00C04FC964F", "lines": [], "paid": false, "total": 1, "tags": {}}"#,  // one digit short
            #"{"id": "6F9619FF-8B86-D011-B42D-00C04FC964FFF", "lines": [], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "6F9619FF-8B86-D011-B42D_00C04FC964FF", "lines": [], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "6F9619FF-8B86-D011-B42D-00C04FC964FG", "lines": [], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "{6F9619FF-8B86-D011-B42D-00C04FC964F}", "lines": [], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": null, "lines": [], "paid": false, "total": 1, "tags": {}}"#,  // null for a required field
            #"{"id": "\#(Self.productId)", "lines": [\#(line), {"productId": "\#(Self.productId)"}], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": [\#(line), {"productId": "\#(Self.productId)", "quantity": "2"}], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": [null], "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": {}, "paid": false, "total": 1, "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": [], "paid": 1, "total": 1, "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": [], "paid": true, "total": "1", "tags": {}}"#,
            #"{"id": "\#(Self.productId)", "lines": [], "paid": true, "total": 1, "tags": []}"#,
            #"[]"#, #"null"#, #""text""#,
        ]
        for json in cases {
            if case .value = expectAgreement(Order.self, json) { Issue.record("decoded an invalid order: \(json)") }
        }
        expectRefusedAtTheField(
            Order.self, #"{"id": "\#(Self.productId)", "lines": [], "paid": true, "total": 1, "tags": {"a": 1.5}}"#, field: "tags.a"
        )
    }

    @Test("integers: only integral numbers in range; floats: only finite ones")
    func numbers() {
        expectAgreement(Numbers.self, #"{"i8": -128, "u16": 65535, "i64": -9223372036854775808, "u64": 18446744073709551615, "float": 1.5}"#)
        expectAgreement(Numbers.self, #"{"i8": 1e2, "u16": 2.0, "i64": 0, "u64": 0, "float": -0}"#)
        expectRefusedAtTheField(Numbers.self, #"{"i8": 128, "u16": 0, "i64": 0, "u64": 0, "float": 0}"#, field: "i8")
        expectRefusedAtTheField(Numbers.self, #"{"i8": 0, "u16": -1, "i64": 0, "u64": 0, "float": 0}"#, field: "u16")
        expectRefusedAtTheField(Numbers.self, #"{"i8": 0, "u16": 2.5, "i64": 0, "u64": 0, "float": 0}"#, field: "u16")
        expectRefusedAtTheField(Numbers.self, #"{"i8": 0, "u16": 0, "i64": 9223372036854775808, "u64": 0, "float": 0}"#, field: "i64")
        expectRefusedAtTheField(Numbers.self, #"{"i8": 0, "u16": 0, "i64": 0, "u64": 0, "float": 1e39}"#, field: "float")
        expectAgreement(Double.self, "1e400")
        expectAgreement([Int].self, "[1, -0, 10, 1E1, 100e-2]")
        expectAgreement([Int].self, "[1, 2, ]")  // a trailing comma: forgiven by both
        expectAgreement([String: Int].self, #"{"a": 1,}"#)
    }

    @Test("strings: escapes, surrogate pairs and UTF-8 as written")
    func strings() {
        let decoded = expectAgreement([String].self, #"["plain", "tab\tquote\"slash\/back\\", "\u00e9\u20AC", "\ud83d\ude00", "é€😀", "", "\b\f\n\r"]"#)
        #expect(decoded == .value(["plain", "tab\tquote\"slash/back\\", "é€", "😀", "é€😀", "", "\u{8}\u{C}\n\r"]))
        for bad in [#"["\ud83d"]"#, #"["\ude00"]"#, #"["\x"]"#, #"["\u12"]"#, "[\"a\u{1}b\"]", #"["open"#] {
            if case .value = expectAgreement([String].self, bad) { Issue.record("decoded an invalid string: \(bad)") }
        }
    }

    @Test("dates, data, URLs and decimals as Foundation's strategies have them")
    func specialTypes() throws {
        let json = #"{"at": "2026-12-05T16:54:00Z", "data": "aGVsbG8=", "url": "https://shop.example/p?q=1", "amount": 19.99}"#
        let decoded = expectAgreement(Special.self, json)
        let expected = Special(
            at: Date(timeIntervalSince1970: 1_796_489_640), data: Data("hello".utf8), url: try #require(URL(string: "https://shop.example/p?q=1")),
            amount: try #require(Decimal(string: "19.99"))
        )
        #expect(decoded == .value(expected))
        expectRefusedAtTheField(Special.self, #"{"at": "yesterday", "data": "aGVsbG8=", "url": "https://x", "amount": 1}"#, field: "at")
        expectAgreement(Special.self, #"{"at": "2026-12-05T16:54:00Z", "data": "***", "url": "https://x", "amount": 1}"#)
        expectAgreement(Special.self, #"{"at": "2026-12-05T16:54:00Z", "data": "", "url": "https://x", "amount": "1"}"#)
    }

    @Test("enums, optionals and free-form JSON values")
    func enumsOptionalsAndJSONValues() {
        expectAgreement([Kind].self, #"["a", "b"]"#)
        expectAgreement([Kind].self, #"["c"]"#)
        expectAgreement([Int?].self, "[1, null, 3]")
        expectAgreement([String: JSONValue].self, #"{"s": "x", "i": 3, "d": 1.25, "b": false, "n": null, "a": [1, "two"], "o": {"k": [true]}}"#)
        // Numbers: integral ones that fit are ints, however written; others doubles.
        let numbers = expectAgreement([JSONValue].self, "[2.0, 1e2, -0, 2.5, 1e19, 9223372036854775807, -1.5e-3]")
        #expect(numbers == .value([.int(2), .int(100), .int(0), .double(2.5), .double(1e19), .int(.max), .double(-0.0015)]))
        expectAgreement([String: JSONValue].self, #"{"k": 1, "k": "second", "o": {"x": [1], "x": 2}}"#)  // the first of repeated keys
        for tooLarge in ["[1e400]", #"{"a": {"b": [1, -1e999]}}"#] {
            let ours = try? MessageJSONDecoder().decode(JSONValue.self, from: Array(tooLarge.utf8))
            #expect(ours == nil, "\(tooLarge)")
            #expect((try? Self.foundation.decode(JSONValue.self, from: Data(tooLarge.utf8))) == nil, "\(tooLarge)")
        }
    }

    @Test("a large object is looked up by name, and a repeated key keeps its first value")
    func largeObjectsAndRepeatedKeys() {
        let members = (0..<100).map { #""key\#($0)": \#($0)"# }.joined(separator: ", ")
        guard case .value(let large) = expectAgreement([String: Int].self, "{\(members)}") else {
            Issue.record("the large object did not decode")
            return
        }
        #expect(large.count == 100 && large["key42"] == 42)
        expectAgreement(Line.self, #"{"productId": "\#(Self.productId)", "quantity": 1, "quantity": 2}"#)
        let repeated = (0..<20).map { #""k\#($0)": \#($0)"# }.joined(separator: ", ")
        expectAgreement([String: Int].self, "{\(repeated), \"k3\": 33}")
    }

    @Test("nesting: 512 levels decode (on a task's stack), 513 are refused as Foundation refuses them")
    func nestingLimit() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try MessageJSONDecoder().decode(JSONValue.self, from: Array(deepest.utf8))
        var levels = 1
        while case .array(let elements) = value, let inner = elements.first {
            value = inner
            levels += 1
        }
        #expect(levels == 512)
        let tooDeep = "[" + deepest + "]"
        #expect(Outcome { try MessageJSONDecoder().decode(JSONValue.self, from: Array(tooDeep.utf8)) } == .failure(kind: "dataCorrupted", path: ""))
        #expect((try? Self.foundation.decode(JSONValue.self, from: Data(tooDeep.utf8))) == nil)
    }

    @Test("documents that are not JSON: refused with an empty coding path, never a crash")
    func malformedDocuments() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        for bad in ["", " ", "{", "[,]", "[1,,]", "{\"a\" 1}", "{,}", "[1 2]", "01", "1.", "-", ".5", "+1", "tru", "nul", "[1] x", "{'a': 1}", deep] {
            let outcome = Outcome { try MessageJSONDecoder().decode([Int].self, from: Array(bad.utf8)) }
            #expect(outcome == .failure(kind: "dataCorrupted", path: ""), "\(bad.prefix(20))")
            #expect((try? Self.foundation.decode([Int].self, from: Data(bad.utf8))) == nil, "Foundation refuses \(bad.prefix(20)) too")
        }
        let invalidUTF8: [UInt8] = [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]
        #expect(Outcome { try MessageJSONDecoder().decode(String.self, from: invalidUTF8) } == .failure(kind: "dataCorrupted", path: ""))
        #expect(Outcome { try Self.foundation.decode(String.self, from: Data(invalidUTF8)) } == .failure(kind: "dataCorrupted", path: ""))
    }

    struct Receipt: Codable, Equatable {
        struct Item: Codable, Equatable {
            var sku: String
            var quantity: Int
        }
        var name: String
        var items: [Item]
        var note: String?
        var paid: Bool
        var total: Double
        var tags: [String: Int]
    }

    /// Random damage to a valid document. Where both decoders accept it they must agree on the
    /// value. Where only Foundation accepts it, the document must not be JSON at all (Foundation
    /// does not check the strings of members it skips; `JSONSerialization` is the referee).
    /// The other way round must never happen.
    @Test("randomly damaged documents: the same values, and refused only when not JSON")
    func damagedDocuments() throws {
        let original = Array(
            #"{"name": "A-1", "items": [{"sku": "X-1", "quantity": 12}], "note": "a\u00e9\n", "paid": true, "total": -1.5e1, "tags": {"x": 7}}"#.utf8
        )
        let alphabet = Array(#"{}[]:,"\ 0123456789-+.eEtruefalsn"#.utf8) + [0x00, 0xC3, 0xFF]
        var random = SplitMix64(seed: 20261205)
        var accepted = 0
        for _ in 0..<3_000 {
            var damaged = original
            for _ in 0..<Int(random.next() % 3 + 1) {
                let position = Int(random.next() % UInt64(damaged.count))
                switch random.next() % 3 {
                case 0: damaged[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: damaged.remove(at: position)
                default: damaged.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
            }
            if expectSameAcceptance(Receipt.self, damaged) { accepted += 1 }
            expectSameAcceptance(JSONValue.self, damaged)
        }
        #expect(accepted > 0, "some damage (inside a string, say) still leaves a valid receipt")
    }

    @Test("a UUID must be in its canonical form (Foundation's sscanf takes '8B-6' for 8BFA)")
    func uuidsAreStrict() {
        let bent = #"["6F9619FF-8B-6-D011-B42D-00C04FC964FF"]"#
        #expect(Outcome { try MessageJSONDecoder().decode([UUID].self, from: Array(bent.utf8)) } == .failure(kind: "dataCorrupted", path: "0"))
        #expect((try? Self.foundation.decode([UUID].self, from: Data(bent.utf8))) != nil, "if Foundation became strict, this test can go")
    }

    /// The rule of the test above for one type; returns whether ours accepted the document.
    @discardableResult
    private func expectSameAcceptance<T: Decodable & Equatable>(_ type: T.Type, _ damaged: [UInt8]) -> Bool {
        let ours = try? MessageJSONDecoder().decode(T.self, from: damaged)
        let theirs = try? Self.foundation.decode(T.self, from: Data(damaged))
        let text = String(decoding: damaged, as: UTF8.self)
        if let ours {
            #expect(ours == theirs, "\(T.self): \(text)")
            return true
        }
        if theirs != nil {
            let isJSON = (try? JSONSerialization.jsonObject(with: Data(damaged), options: .fragmentsAllowed)) != nil
            #expect(!isJSON, "\(T.self): refused a valid document that Foundation accepts: \(text)")
        }
        return false
    }

    @Test("every queue message decodes as Foundation decodes it")
    func queueMessages() throws {
        let orderId = UUID()
        try expectSameDecoding(OrderPlaced(orderId: orderId, userId: UUID(), lines: [StockLine(productId: UUID(), quantity: 3)]))
        try expectSameDecoding(
            InventoryRejected(orderId: orderId, reason: "none left", shortages: [StockShortage(productId: UUID(), requested: 2, available: 0)])
        )
        try expectSameDecoding(
            SendEmail(idempotencyKey: "k", to: "a@example.com", template: .orderShipped, variables: ["lines": [["sku": "X-1", "quantity": 2]], "n": 1.5])
        )
        try expectSameDecoding(AdjustInventory(adjustmentId: UUID(), productId: UUID()))
    }

    private func expectSameDecoding<M: QueueMessage & Equatable>(_ message: M) throws {
        let body = try message.encodedBody()
        let ours = try MessageJSONDecoder().decode(M.self, from: body)
        #expect(ours == message)
        #expect(ours == (try Self.foundation.decode(M.self, from: Data(body))))
    }
}
