import Foundation

/// Metrics in the Prometheus text exposition format (version 0.0.4): families with HELP and TYPE,
/// names and label names made legal, label values escaped.
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram, summary
    }

    private struct Family {
        var kind: Kind
        var help: String
        var lines: [String] = []
        var seen: Set<String> = []
    }

    private var families: [String: Family] = [:]
    private var order: [String] = []

    public init() {}

    /// Adds one sample to the family `name` (already a legal metric name; a counter's ends in
    /// `_total`, as the 0.0.4 format names it). `suffix` is `_bucket`, `_count` or `_sum` for a
    /// histogram's or summary's parts. A second sample with the same
    /// name and labels is dropped: a scrape must not carry a series twice.
    public mutating func add(_ name: String, kind: Kind, help: String, suffix: String = "", labels: [String: String] = [:], value: Double) {
        if families[name] == nil {
            families[name] = Family(kind: kind, help: help)
            order.append(name)
        }
        // Names made legal can meet (`http.method` and `http_method`): the first, in order, stays.
        var legal: [(name: String, value: String)] = []
        for (name, value) in labels.map({ (Self.labelName($0.key), $0.value) }).sorted(by: { $0 < $1 })
        where legal.last?.name != name {
            legal.append((name, value))
        }
        let labelText = legal.isEmpty ? "" : "{" + legal.map { "\($0.name)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
        let series = name + suffix + labelText
        guard families[name]!.seen.insert(series).inserted else { return }
        families[name]!.lines.append(series + " " + Self.format(value))
    }

    /// Stored samples, the latest of each series: a `.bucket` series with an `le` label and its
    /// `.count` and `.sum` make one histogram, `quantile` labels with `.count`/`.sum` one summary,
    /// a name ending in `total` a counter, anything else a gauge.
    public mutating func add(stored samples: [Sample]) {
        let (histograms, summaries) = Self.composites(samples)
        let families = Self.compositeFamilies(samples)
        // Each series' text once, not at every comparison of the sort.
        let ordered = samples.map { (key: SeriesKey($0.name, labels: $0.labels).text, sample: $0) }.sorted { $0.key < $1.key }
        for sample in ordered.map(\.sample) {
            let help = "Latest stored sample of \(sample.name)"
            if let family = Self.base(sample.name, part: "bucket"), histograms.contains(family) {
                add(Self.metricName(family), kind: .histogram, help: "Latest stored samples of \(family)", suffix: "_bucket",
                    labels: sample.labels, value: sample.value)
            } else if let part = ["count", "sum"].first(where: { Self.base(sample.name, part: $0).map { histograms.contains($0) || summaries.contains($0) } ?? false }) {
                let family = Self.base(sample.name, part: part)!
                add(Self.metricName(family), kind: histograms.contains(family) ? .histogram : .summary,
                    help: "Latest stored samples of \(family)", suffix: "_" + part, labels: sample.labels, value: sample.value)
            } else if summaries.contains(sample.name) {
                add(Self.metricName(sample.name), kind: .summary, help: help, labels: sample.labels, value: sample.value)
            } else {
                let name = Self.plainName(sample.name, compositeFamilies: families)
                add(name, kind: name.hasSuffix("_total") ? .counter : .gauge, help: help, labels: sample.labels, value: sample.value)
            }
        }
    }

    /// The stored names that make histograms (`x` of `x.bucket` with `le`) and summaries (with `quantile`).
    private static func composites(_ samples: [Sample]) -> (histograms: Set<String>, summaries: Set<String>) {
        (Set(samples.compactMap { $0.labels["le"] != nil ? base($0.name, part: "bucket") : nil }),
         Set(samples.compactMap { $0.labels["quantile"] != nil ? $0.name : nil }))
    }

    /// `x` of `x.part`.
    private static func base(_ name: String, part: String) -> String? {
        name.hasSuffix("." + part) ? String(name.dropLast(part.count + 1)) : nil
    }

    /// The legal names of the histogram and summary families these stored samples make.
    public static func compositeFamilies(_ samples: [Sample]) -> Set<String> {
        let (histograms, summaries) = composites(samples)
        return Set(histograms.union(summaries).map(metricName))
    }

    /// The name a plain stored series is exposed under: its legal name, with `_value` when a
    /// histogram or summary family has that name (health probes record `service.response_time`,
    /// services may export a histogram of it).
    public static func plainName(_ name: String, compositeFamilies: Set<String>) -> String {
        let legal = metricName(name)
        return compositeFamilies.contains(legal) ? legal + "_value" : legal
    }

    public func render() -> String {
        var text = ""
        for name in order {
            let family = families[name]!
            text += "# HELP \(name) \(Self.escapeHelp(family.help))\n# TYPE \(name) \(family.kind.rawValue)\n"
            for line in family.lines { text += line + "\n" }
        }
        return text
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`: every other character becomes `_`; a leading digit gets one before it.
    public static func metricName(_ name: String) -> String {
        legal(name, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, and never the reserved `__` prefix.
    static func labelName(_ name: String) -> String {
        let legal = legal(name, allowColon: false)
        return legal.hasPrefix("__") ? "l" + legal : legal
    }

    private static func legal(_ name: String, allowColon: Bool) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            let ascii = scalar.isASCII ? UInt8(scalar.value) : 0
            let allowed = (ascii >= 0x61 && ascii <= 0x7A) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x30 && ascii <= 0x39)
                || ascii == 0x5F || (allowColon && ascii == 0x3A)
            return allowed ? Character(scalar) : "_"
        })
        if result.isEmpty || result.first!.isNumber { result = "_" + result }
        return result
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
