/// The one table renderer: aligned columns, numbers to the right, colour that does not
/// disturb alignment.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Cell: Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var color: TextStyle.Color?

        public init(_ text: String, _ color: TextStyle.Color? = nil) {
            self.text = text
            self.color = color
        }

        public init(stringLiteral value: String) { self.init(value) }
    }

    public let headers: [String]
    public let alignments: [Alignment]
    public private(set) var rows: [[Cell]] = []

    public init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == headers.count, "row has \(row.count) cells for \(headers.count) columns")
        rows.append(row)
    }

    public func render(_ style: TextStyle) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.text.count) }
        }
        func line(_ cells: [Cell]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.text.count)
                let painted = style.paint(cell.text, cell.color)
                if index == cells.count - 1 && alignments[index] == .left { return painted }
                return alignments[index] == .left ? painted + padding : padding + painted
            }.joined(separator: "  ")
        }
        let header = line(headers.map { Cell($0, .bold) })
        return ([header] + rows.map(line)).joined(separator: "\n")
    }
}
