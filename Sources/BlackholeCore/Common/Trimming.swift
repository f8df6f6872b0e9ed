extension StringProtocol {
    /// The text without the characters `isTrimmed` picks (whitespace and line breaks unless told)
    /// at either end. Foundation's `trimmingCharacters(in:)` goes through `NSString`, and its first
    /// use in a process costs a search of every protocol conformance the binary carries.
    public func trimmed(_ isTrimmed: (Character) -> Bool = \.isWhitespace) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}
