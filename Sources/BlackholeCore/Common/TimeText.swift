import Foundation

/// The one way instants are written and read.
public enum TimeText {
    private static let rfc3339 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let rfc3339Whole = Date.ISO8601FormatStyle()

    /// RFC 3339 in UTC with milliseconds, as every `--json` output writes times.
    public static func rfc3339(_ date: Date) -> String {
        rfc3339.format(date)
    }

    /// A time argument: a duration back from `now` (`30s`, `5m`, `1h`, `2d`) or an RFC 3339 instant.
    public static func parseInstant(_ text: String, now: Date) throws -> Date {
        if let date = parseRFC3339(text) { return date }
        do {
            return now - (try DurationText.parse(text))
        } catch {
            throw BlackholeError(
                .usage, "invalid time \"\(text)\" (expected a duration like 30s, 5m, 1h, 2d or an RFC 3339 time)")
        }
    }

    static func parseRFC3339(_ text: String) -> Date? {
        guard text.contains("T") || text.contains("t") else { return nil }
        let normalized = text.uppercased()
        return (try? rfc3339.parse(normalized)) ?? (try? rfc3339Whole.parse(normalized))
    }

    /// For a person: `2026-11-28 23:29:39`, local time unless `utc`.
    public static func human(_ date: Date, utc: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        return utc ? text + "Z" : text
    }
}
