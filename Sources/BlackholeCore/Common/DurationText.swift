import Foundation

/// The one way durations are written and read: `340ms`, `1.2s`, `2m`, `1h30m`, `7d`.
public enum DurationText {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("µs", 0.000_001), ("us", 0.000_001), ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]

    /// The longest duration read: far beyond any retention or interval, and well within what
    /// `format` and `exact` can write (whole seconds and milliseconds as 64-bit integers).
    static let maximum: TimeInterval = 100 * 365 * 86_400

    /// Parses `500ms`, `30s`, `5m`, `1h30m`, `2d`, `1.5s`, or `0`, up to 100 years. Returns seconds.
    public static func parse(_ text: String) throws -> TimeInterval {
        let trimmed = text.trimmed()
        if trimmed == "0" { return 0 }
        var total = 0.0
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { throw invalid(text) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite,
                  let scale = units.first(where: { $0.suffix == unit.lowercased() })?.seconds
            else { throw invalid(text) }
            total += value * scale
        }
        guard total <= maximum else {
            throw BlackholeError(.usage, "invalid duration \"\(text)\": longer than 100 years (36500d)")
        }
        return total
    }

    private static func invalid(_ text: String) -> BlackholeError {
        BlackholeError(.usage, "invalid duration \"\(text)\" (expected e.g. 500ms, 30s, 5m, 1h, 2d)")
    }

    /// Formats for a person: `850µs`, `340ms`, `1.2s`, `2m5s`, `1h30m`, `3d`.
    public static func format(_ seconds: TimeInterval) -> String {
        let value = max(0, seconds)
        switch value {
        case 0:
            return "0s"
        case ..<0.001:
            return "\(Int((value * 1_000_000).rounded()))µs"
        case ..<0.01:
            return trimmed(value * 1000, decimals: 1) + "ms"
        case ..<1:
            return "\(Int((value * 1000).rounded()))ms"
        case ..<60:
            return trimmed(value, decimals: 1) + "s"
        default:
            return compound(Int(value.rounded()))
        }
    }

    /// Formats without losing anything, as Prometheus and Go read durations: `1h30m`, `1500ms`, `0s`.
    public static func exact(_ seconds: TimeInterval) -> String {
        var rest = Int64((max(0, seconds) * 1000).rounded())
        guard rest > 0 else { return "0s" }
        var text = ""
        for (unit, milliseconds) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= milliseconds {
            text += "\(rest / milliseconds)\(unit)"
            rest %= milliseconds
        }
        return text
    }

    private static func compound(_ totalSeconds: Int) -> String {
        // Two most significant units are enough for an operator: 1h30m, 2d3h.
        let parts: [(Int, String)] = [
            (totalSeconds / 86_400, "d"), (totalSeconds % 86_400 / 3600, "h"),
            (totalSeconds % 3600 / 60, "m"), (totalSeconds % 60, "s"),
        ]
        guard let first = parts.firstIndex(where: { $0.0 > 0 }) else { return "0s" }
        return parts[first...].prefix(2).filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined()
    }

    private static func trimmed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
