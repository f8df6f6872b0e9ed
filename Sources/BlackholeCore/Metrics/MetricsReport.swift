import Foundation

/// `telemetry metrics`: the stored series, or one metric's series summarised.
public enum MetricsQuery {
    public static func catalog(_ metrics: MetricStore, since: Date, labels: [String: String]) throws -> MetricCatalogReport {
        let series = try metrics.catalog(since: since).filter { $0.key.matches(labels) }
        return MetricCatalogReport(since: since, series: series)
    }

    public static func series(_ metrics: MetricStore, name: String, labels: [String: String], since: Date, until: Date) throws -> MetricSeriesReport {
        let ranges = try metrics.range(name: name, labels: labels, from: since, to: until)
        let series = ranges.keys.sorted().map { key in
            MetricSeriesReport.Series(labels: key.labels, points: ranges[key]!)
        }
        let suggestion = series.isEmpty ? Suggestion.closest(to: name, in: try metrics.names().filter { $0 != name }) : nil
        return MetricSeriesReport(name: name, since: since, series: series, suggestion: suggestion)
    }

    /// `metrics NAME --forecast HORIZON`: each series' Theil–Sen trend over `since`...`now`, extended
    /// by `horizon`, with when it reaches the threshold of each rule on the series.
    public static func forecast(_ metrics: MetricStore, name: String, labels: [String: String], since: Date, now: Date,
                                horizon: TimeInterval, rules: [AlertRule]) throws -> MetricForecastReport {
        let ranges = try metrics.range(name: name, labels: labels, from: since, to: now)
        let series = ranges.keys.sorted().map { key in
            MetricForecastReport.Series(key: key, points: ranges[key]!, now: now, horizon: horizon,
                                        rules: rules.filter { $0.metric == name && key.matches($0.labels) && $0.condition != .anomaly })
        }
        let suggestion = series.isEmpty ? Suggestion.closest(to: name, in: try metrics.names().filter { $0 != name }) : nil
        return MetricForecastReport(name: name, since: since, now: now, horizon: horizon, series: series, suggestion: suggestion)
    }
}

public struct MetricCatalogReport: Report {
    public let since: Date
    public let series: [SeriesSummary]

    enum CodingKeys: String, CodingKey { case since, series }
    enum SeriesKeys: String, CodingKey {
        case name, labels, samples, lastValue = "last_value", lastTime = "last_time"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(since, forKey: .since)
        var list = container.nestedUnkeyedContainer(forKey: .series)
        for summary in series {
            var entry = list.nestedContainer(keyedBy: SeriesKeys.self)
            try entry.encode(summary.key.name, forKey: .name)
            try entry.encode(summary.key.labels, forKey: .labels)
            try entry.encode(summary.count, forKey: .samples)
            try entry.encode(summary.lastValue, forKey: .lastValue)
            try entry.encode(summary.lastTime, forKey: .lastTime)
        }
    }

    public func renderText(_ style: TextStyle) -> String {
        guard !series.isEmpty else {
            return "No series recorded since \(TimeText.human(since, utc: style.utc)). "
                + "'blackhole telemetry resources' records the system's."
        }
        var table = Table([("SERIES", .left), ("SAMPLES", .right), ("LAST", .right), ("AT", .left)])
        for summary in series {
            table.append([Table.Cell(summary.key.text), Table.Cell("\(summary.count)"),
                          Table.Cell(NumberText.format(summary.lastValue)), Table.Cell(TimeText.human(summary.lastTime, utc: style.utc))])
        }
        return table.render(style)
    }
}

public struct MetricSeriesReport: Report {
    public struct Series: Sendable, Encodable {
        public let labels: [String: String]
        public let points: [Point]

        public var summary: Summary? { Summary(points.map(\.value)) }

        enum CodingKeys: String, CodingKey {
            case labels, count, min, avg, max, p95, last, lastTime = "last_time", points
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(labels, forKey: .labels)
            let summary = self.summary
            try container.encode(points.count, forKey: .count)
            try container.encode(summary?.min, forKey: .min)
            try container.encode(summary?.avg, forKey: .avg)
            try container.encode(summary?.max, forKey: .max)
            try container.encode(summary?.p95, forKey: .p95)
            try container.encode(points.last?.value, forKey: .last)
            try container.encode(points.last?.time, forKey: .lastTime)
            try container.encode(points, forKey: .points)
        }
    }

    public let name: String
    public let since: Date
    public let series: [Series]
    public let suggestion: String?

    enum CodingKeys: String, CodingKey { case name, since, series }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(since, forKey: .since)
        try container.encode(series, forKey: .series)
    }

    public func renderText(_ style: TextStyle) -> String {
        guard !series.isEmpty else {
            let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
            return "No samples of \(name) since \(TimeText.human(since, utc: style.utc)).\(hint)"
        }
        var table = Table([("SERIES", .left), ("COUNT", .right), ("MIN", .right), ("AVG", .right), ("MAX", .right),
                           ("P95", .right), ("LAST", .right), ("TREND", .left)])
        for entry in series {
            guard let summary = entry.summary, let last = entry.points.last else { continue }
            table.append([Table.Cell(SeriesKey(name, labels: entry.labels).text), Table.Cell("\(summary.count)"),
                          Table.Cell(NumberText.format(summary.min)), Table.Cell(NumberText.format(summary.avg)),
                          Table.Cell(NumberText.format(summary.max)), Table.Cell(NumberText.format(summary.p95)),
                          Table.Cell(NumberText.format(last.value)), Table.Cell(Sparkline.render(entry.points.map(\.value)), .blue)])
        }
        return "Since \(TimeText.human(since, utc: style.utc))\n" + table.render(style)
    }
}

public enum NumberText {
    /// Short and honest: integers stay whole, large values get thousands separators' worth of
    /// precision, small ones three significant digits.
    public static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }
}
