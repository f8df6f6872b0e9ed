/// How human output is dressed: colour only on a terminal, times local unless `--utc`.
public struct TextStyle: Sendable {
    public var color: Bool
    public var utc: Bool
    public var verbose: Bool

    public init(color: Bool = false, utc: Bool = false, verbose: Bool = false) {
        self.color = color
        self.utc = utc
        self.verbose = verbose
    }

    public enum Color: String, Sendable {
        case red = "31", green = "32", yellow = "33", blue = "34", dim = "2", bold = "1"
    }

    public func paint(_ text: String, _ color: Color?) -> String {
        guard self.color, let color else { return text }
        return "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m"
    }
}

/// Something a command prints: one value, rendered as text for a person or encoded as JSON.
public protocol Report: Encodable, Sendable {
    func renderText(_ style: TextStyle) -> String
}
