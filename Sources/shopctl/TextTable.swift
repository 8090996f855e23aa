/// A plain text table: a header row and rows, columns padded to their widest cell; the
/// columns listed in `rightAligned` (numbers) are aligned right.
struct TextTable: Sendable {
    var header: [String]
    var rows: [[String]]
    var rightAligned: Set<Int> = []

    /// The table as lines joined by newlines, columns separated by two spaces.
    var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            header.indices.map { column in
                let cell = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
        .joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
