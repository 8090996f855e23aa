import NIOCore

@testable import Gateway

extension HTTP1Parser {
    /// Reads `pieces` one after another and tells what they gave, readably: each head as
    /// `describeHead` writes it, `body <bytes>` (consecutive body events merged), `end`.
    mutating func describedEvents(_ pieces: [String], head describeHead: (Reader.Head) -> String) throws -> [String] {
        var events: [String] = []
        for piece in pieces {
            append(ByteBuffer(string: piece))
            while let event = try next() {
                switch event {
                case .head(let head):
                    events.append(describeHead(head))
                case .body(let bytes):
                    if let last = events.last, last.hasPrefix("body ") {
                        events[events.count - 1] = last + String(buffer: bytes)
                    } else {
                        events.append("body " + String(buffer: bytes))
                    }
                case .end:
                    events.append("end")
                }
            }
        }
        return events
    }
}
