import Foundation

/// One value of the Nagios plugin line's performance data, written as the plugin guidelines say:
/// `'label'=value[UOM];[warn];[crit];[min];[max]`. Warn and crit are the ranges of the `warning`
/// and `critical` threshold rules over the value's own series (a forecast is no range of the
/// value), so a monitoring system graphs the same thresholds blackhole alerts on.
public struct PerfdataValue: Sendable, Equatable {
    public var label: String
    public var value: Double
    /// `%`, `ms` or nothing.
    public var unit: String
    /// The series the value was recorded as: what alert rules are matched against.
    public var series: SeriesKey

    public init(_ label: String, _ value: Double, unit: String = "", series: SeriesKey) {
        self.label = label
        self.value = value
        self.unit = unit
        self.series = series
    }

    /// `'cpu'=42.5%;80;95;0;100`, without the empty fields at the end (the guidelines allow that).
    public func text(rules: [AlertRule]) -> String {
        // The guidelines' own example gives percentages their bounds.
        let percent = unit == "%"
        func range(_ severity: AlertSeverity) -> String {
            Self.range(rules.filter { $0.severity == severity && $0.metric == series.name && series.matches($0.labels)
                                      && !$0.condition.readsHistory },
                       fromZero: percent)
        }
        var fields = [range(.warning), range(.critical), percent ? "0" : "", percent ? "100" : ""]
        while fields.last == "" { fields.removeLast() }
        let number = String(format: "%.2f", value).replacingOccurrences(of: ".00", with: "")
        return ([Self.quoted(label) + "=" + number + unit] + fields).joined(separator: ";")
    }

    /// A label as the guidelines allow it, quoted, a quote doubled: no `=`, and one line of text
    /// (a line break would end the plugin's output line, a NUL the C string Nagios reads), each
    /// of those a space. Service names and disk paths come from the config and may hold anything.
    /// Read scalar by scalar, as Nagios reads bytes: a quote with a combining mark after it is
    /// still a quote.
    static func quoted(_ label: String) -> String {
        var quoted = "'"
        for scalar in label.unicodeScalars {
            if scalar == "'" {
                quoted += "''"
            } else if scalar == "=" || [.control, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory) {
                quoted += " "
            } else {
                quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "'"
    }

    /// The guidelines' range for what these rules alert on: `~:80` for `gt 80` (`80`, that is
    /// 0 to 80, when the value is `fromZero`: never below 0), `0.5:` for `lt 0.5`, `3:90` for
    /// `lt 3` beside `gt 90`, `@1:1` for `eq 1`, `1:1` for `ne 1`. Empty without rules, or when no
    /// one range says what they do together. Thresholds are written exactly, as Prometheus does,
    /// but without an exponent.
    static func range(_ rules: [AlertRule], fromZero: Bool) -> String {
        let format = number
        if rules.count == 1, let rule = rules.first, rule.condition == .eq || rule.condition == .ne {
            let point = format(rule.threshold) + ":" + format(rule.threshold)
            return rule.condition == .eq ? "@" + point : point
        }
        guard rules.allSatisfy({ $0.condition == .gt || $0.condition == .lt }) else { return "" }
        // Rules of one severity alert together: above the lowest `gt`, below the highest `lt`.
        let above = rules.filter { $0.condition == .gt }.map(\.threshold).min()
        let below = rules.filter { $0.condition == .lt }.map(\.threshold).max()
        switch (below, above) {
        case (nil, let high?): return fromZero && high >= 0 ? format(high) : "~:" + format(high)
        case (let low?, nil): return format(low) + ":"
        case (let low?, let high?) where low <= high: return format(low) + ":" + format(high)
        default: return ""
        }
    }

    /// A threshold as the guidelines write numbers (`[-0-9.]`): Prometheus's exact digits, with an
    /// exponent (`1e-05`, `2.5e+20`) written out (`0.00001`, `250000000000000000000`).
    static func number(_ value: Double) -> String {
        let text = PrometheusText.format(value)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        let mantissa = text[..<e].drop { $0 == "-" }
        let whole = mantissa.prefix { $0 != "." }
        let digits = String(whole + mantissa.dropFirst(whole.count + 1))
        // Where the point goes among the digits.
        let point = whole.count + exponent
        let plain: String = if point <= 0 {
            "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            digits + String(repeating: "0", count: point - digits.count)
        } else {
            String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        return (text.hasPrefix("-") ? "-" : "") + plain
    }
}
