import Foundation

/// `metrics NAME --forecast 24h`: per series, the trend fitted over the range, the value it
/// leads to at the horizon, and when it reaches each rule's threshold.
public struct MetricForecastReport: Report {
    public struct Crossing: Sendable, Encodable {
        public let ruleID: String
        public let threshold: Double
        /// When the trend reaches the threshold; nil when it does not within the horizon (flat,
        /// going away, past it already, or too slow).
        public let at: Date?

        enum CodingKeys: String, CodingKey { case ruleID = "rule_id", threshold, at = "crosses_at" }

        /// `crosses_at` is always there, null when there is no crossing.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ruleID, forKey: .ruleID)
            try container.encode(threshold, forKey: .threshold)
            try container.encode(at, forKey: .at)
        }
    }

    public struct Series: Sendable, Encodable {
        public let labels: [String: String]
        public let samples: Int
        /// nil with fewer than two samples at different times.
        public let fit: TrendFit?
        public let expected: Double?
        public let crossings: [Crossing]
        let history: [Double]
        /// The trend at evenly spaced instants up to the horizon.
        let ahead: [Double]

        init(key: SeriesKey, points: [Point], now: Date, horizon: TimeInterval, rules: [AlertRule]) {
            labels = key.labels
            samples = points.count
            let fit = TrendFit.theilSen(points, origin: now)
            self.fit = fit
            expected = fit?.value(at: now + horizon)
            history = points.map(\.value)
            ahead = fit.map { fit in (1...10).map { fit.value(at: now + horizon * Double($0) / 10) } } ?? []
            crossings = rules.map { rule in
                let at = fit?.time(reaching: rule.threshold).flatMap { $0 > now && $0 <= now + horizon ? $0 : nil }
                return Crossing(ruleID: rule.id, threshold: rule.threshold, at: at)
            }
        }

        /// History then forecast on one scale, split by `│`.
        public var sparkline: String {
            let values = history + ahead
            guard let low = values.min(), let high = values.max() else { return "" }
            let range = low...high
            let past = Sparkline.render(history, width: 30, range: range)
            return ahead.isEmpty ? past : past + "│" + Sparkline.render(ahead, width: 10, range: range)
        }

        enum CodingKeys: String, CodingKey {
            case labels, samples, slopePerHour = "slope_per_hour", current, expected, crossings
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(labels, forKey: .labels)
            try container.encode(samples, forKey: .samples)
            try container.encode(fit.map { $0.slope * 3600 }, forKey: .slopePerHour)
            try container.encode(fit.map(\.level), forKey: .current)
            try container.encode(expected, forKey: .expected)
            try container.encode(crossings, forKey: .crossings)
        }
    }

    public let name: String
    public let since: Date
    public let now: Date
    public let horizon: TimeInterval
    public let series: [Series]
    public let suggestion: String?

    enum CodingKeys: String, CodingKey { case name, since, horizon = "horizon_seconds", expectedAt = "expected_at", series }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(since, forKey: .since)
        try container.encode(horizon, forKey: .horizon)
        try container.encode(now + horizon, forKey: .expectedAt)
        try container.encode(series, forKey: .series)
    }

    public func renderText(_ style: TextStyle) -> String {
        guard !series.isEmpty else {
            let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
            return "No samples of \(name) since \(TimeText.human(since, utc: style.utc)).\(hint)"
        }
        var table = Table([("SERIES", .left), ("SAMPLES", .right), ("TREND", .right), ("NOW", .right),
                           ("IN \(DurationText.format(horizon).uppercased())", .right), ("HISTORY│FORECAST", .left)])
        var crossings: [String] = []
        for entry in series {
            let key = SeriesKey(name, labels: entry.labels)
            guard let fit = entry.fit, let expected = entry.expected else {
                table.append([Table.Cell(key.text), Table.Cell("\(entry.samples)"), "too few samples", "", "", ""])
                continue
            }
            let slope = fit.slope * 3600
            table.append([Table.Cell(key.text), Table.Cell("\(entry.samples)"),
                          Table.Cell((slope > 0 ? "+" : "") + NumberText.format(slope) + "/h"), Table.Cell(NumberText.format(fit.level)),
                          Table.Cell(NumberText.format(expected)), Table.Cell(entry.sparkline, .blue)])
            for crossing in entry.crossings {
                let when = crossing.at.map { "in about \(DurationText.format($0.timeIntervalSince(now))) (\(TimeText.human($0, utc: style.utc)))" }
                    ?? "not within \(DurationText.format(horizon))"
                crossings.append("\(key.text): \(crossing.ruleID) threshold \(NumberText.format(crossing.threshold)): \(when)")
            }
        }
        let header = "Trend since \(TimeText.human(since, utc: style.utc)) (Theil-Sen), extended \(DurationText.format(horizon))\n"
        return header + table.render(style) + (crossings.isEmpty ? "" : "\n\n" + crossings.joined(separator: "\n"))
    }
}
