/// Splits a SQL script into its statements, so a migration can be written as one script:
/// postgres-nio sends every query as a prepared statement, which holds one command only.
///
/// Semicolons inside quoted strings ('…'), quoted identifiers ("…"), dollar-quoted bodies
/// ($$…$$, $tag$…$tag$) and comments (-- … and /* … */) do not split.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current: [Character] = []
        let characters = Array(script)
        var index = 0

        func flush() {
            let statement = String(current).trimmingWhitespace()
            if !statement.isEmpty && !isOnlyComments(statement) {
                statements.append(statement)
            }
            current.removeAll()
        }

        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "'", "\"":
                let end = closing(character, in: characters, from: index + 1)
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            case "/" where next == "*":
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(end + 2, characters.count)
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            case "$":
                if let tagEnd = dollarTagEnd(in: characters, from: index) {
                    let tag = Array(characters[index...tagEnd])
                    var end = tagEnd + 1
                    while end < characters.count, !characters[end...].starts(with: tag) { end += 1 }
                    end = min(end + tag.count, characters.count)
                    current.append(contentsOf: characters[index..<end])
                    index = end
                    continue
                }
            case ";":
                flush()
                index += 1
                continue
            default:
                break
            }
            current.append(character)
            index += 1
        }
        flush()
        return statements
    }

    /// The index just past the quote that closes the one opened before `start` ('' and "" escape).
    private static func closing(_ quote: Character, in characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    /// For `$tag$` at `start`, the index of its closing `$`.
    private static func dollarTagEnd(in characters: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return index }
            guard character.isLetter || character == "_" || (character.isNumber && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingWhitespace().hasPrefix("--") || $0.trimmingWhitespace().isEmpty }
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
