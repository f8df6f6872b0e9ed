import Foundation
import Testing
@testable import BlackholeCore

/// `check --nagios` perfdata thresholds, held against the plugin guidelines' range format
/// (nagios-plugins.org/doc/guidelines.html#THRESHOLDFORMAT).
@Suite struct PerfdataTests {
    func rule(_ condition: AlertCondition, _ threshold: Double, _ severity: AlertSeverity = .warning,
              metric: String = "system.cpu.usage_percent", labels: [String: String] = [:]) -> AlertRule {
        AlertRule(id: "\(condition)_\(threshold)", name: "r", metric: metric, condition: condition, threshold: threshold,
                  severity: severity, labels: labels)
    }

    /// The guidelines' reading of a range: whether `value` raises the alert. Outside
    /// `start:end` (start 0 when left out, `~` for minus infinity, no end for infinity),
    /// inside with a leading `@`.
    func alerts(_ range: String, _ value: Double) -> Bool {
        var text = Substring(range)
        let inside = text.hasPrefix("@")
        if inside { text = text.dropFirst() }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let start = parts.count == 1 || parts[0].isEmpty ? 0 : parts[0] == "~" ? -Double.infinity : Double(parts[0])!
        let end = parts.count == 1 ? Double(parts[0])! : parts[1].isEmpty ? Double.infinity : Double(parts[1])!
        let within = start <= value && value <= end
        return inside ? within : !within
    }

    @Test func theReadingAgreesWithTheGuidelinesTable() {
        let values: [Double] = [-1, 0, 5, 10, 15, 20, 21]
        let table: [(String, (Double) -> Bool)] = [
            ("10", { $0 < 0 || $0 > 10 }), ("10:", { $0 < 10 }), ("~:10", { $0 > 10 }),
            ("10:20", { $0 < 10 || $0 > 20 }), ("@10:20", { $0 >= 10 && $0 <= 20 }),
        ]
        for (range, expected) in table {
            #expect(values.map { alerts(range, $0) } == values.map(expected), "\(range)")
        }
    }

    static let cases: [([AlertCondition: Double], Bool, String)] = [
        ([.gt: 80], true, "80"), ([.gt: 80], false, "~:80"), ([.gt: -5], true, "~:-5"),
        ([.lt: 0.5], false, "0.5:"), ([.eq: 1], false, "@1:1"), ([.ne: 1], false, "1:1"),
        ([.lt: 3, .gt: 90], true, "3:90"), ([.lt: 3, .gt: 3], false, "3:3"),
    ]

    @Test(arguments: cases)
    func eachConditionIsTheRangeThatAlertsWhereTheRuleHolds(conditions: [AlertCondition: Double], fromZero: Bool, range: String) {
        let rules = conditions.sorted { $0.key.rawValue < $1.key.rawValue }.map { rule($0.key, $0.value) }
        #expect(PerfdataValue.range(rules, fromZero: fromZero) == range)
        let values: [Double] = [-10, -5, -0.1, 0, 0.5, 1, 2.9, 3, 3.1, 50, 80, 80.01, 90, 90.5, 100, 1000]
        for value in values where !fromZero || value >= 0 {
            let holds = rules.contains { AlertEvaluator.holds($0.condition, value, $0.threshold) }
            #expect(alerts(range, value) == holds, "\(range) at \(value)")
        }
    }

    @Test func severalRulesOfOneSeverityTakeTheFirstToAlert() {
        #expect(PerfdataValue.range([rule(.gt, 90), rule(.gt, 80)], fromZero: true) == "80")
        #expect(PerfdataValue.range([rule(.lt, 1), rule(.lt, 3)], fromZero: false) == "3:")
    }

    @Test func rulesNoOneRangeCanSayLeaveItEmpty() {
        #expect(PerfdataValue.range([], fromZero: true) == "")
        #expect(PerfdataValue.range([rule(.lt, 90), rule(.gt, 10)], fromZero: true) == "")
        #expect(PerfdataValue.range([rule(.eq, 1), rule(.gt, 10)], fromZero: true) == "")
        #expect(PerfdataValue.range([rule(.eq, 1), rule(.eq, 2)], fromZero: true) == "")
    }

    @Test func warnAndCritComeFromTheRulesOverTheSameSeries() {
        let rules = [rule(.gt, 80), rule(.gt, 95, .critical), rule(.gt, 10, .info), rule(.gt, 1, metric: "system.memory.usage_percent")]
        let cpu = PerfdataValue("cpu", 42.5, unit: "%", series: SeriesKey("system.cpu.usage_percent"))
        #expect(cpu.text(rules: rules) == "'cpu'=42.50%;80;95;0;100")
        #expect(cpu.text(rules: []) == "'cpu'=42.50%;;;0;100")
        #expect(PerfdataValue("load1", 0.28, series: SeriesKey("system.cpu.load_average_1m")).text(rules: rules) == "'load1'=0.28")

        let down = rule(.lt, 0.5, .critical, metric: "service.health.status", labels: ["service": "storage"])
        let slow = rule(.gt, 1000, metric: "service.response_time")
        let labels = ["service": "storage", "criticality": "critical"]
        #expect(PerfdataValue("storage status", 0.5, series: SeriesKey("service.health.status", labels: labels)).text(rules: [down, slow])
            == "'storage status'=0.50;;0.5:")
        #expect(PerfdataValue("storage response", 3.81, unit: "ms", series: SeriesKey("service.response_time", labels: labels))
            .text(rules: [down, slow]) == "'storage response'=3.81ms;~:1000")
        let other = SeriesKey("service.health.status", labels: ["service": "identity", "criticality": "critical"])
        #expect(PerfdataValue("identity status", 1, series: other).text(rules: [down, slow]) == "'identity status'=1")
    }

    @Test func aQuoteInALabelIsDoubled() {
        #expect(PerfdataValue("bob's status", 1, series: SeriesKey("service.health.status")).text(rules: []) == "'bob''s status'=1")
    }

    /// Found by fuzzing: a service name or disk path from the config with a line break, a NUL or
    /// `=` broke the plugin line; a quote followed by a combining mark (one Swift character) was
    /// not doubled.
    @Test func aLabelIsOneLineWithoutEquals() {
        let series = SeriesKey("service.health.status")
        #expect(PerfdataValue("db\nprimary=1\0 status", 1, series: series).text(rules: []) == "'db primary 1  status'=1")
        #expect(PerfdataValue("a\r\nb\u{2028}c", 1, series: series).text(rules: []) == "'a  b c'=1")
        let combined = PerfdataValue("it'\u{0301}s", 1, series: series).text(rules: [])
        #expect(Array(combined.utf8) == Array("'it''\u{0301}s'=1".utf8))
    }

    /// Found by fuzzing: a threshold was written as Swift writes a Double, `1e-05`, which is no
    /// number in the guidelines' ranges.
    @Test func thresholdsAreWrittenWithoutAnExponent() {
        #expect(PerfdataValue.range([rule(.gt, 0.00001)], fromZero: true) == "0.00001")
        #expect(PerfdataValue.range([rule(.lt, 2.5e20)], fromZero: false) == "250000000000000000000:")
        #expect(PerfdataValue.range([rule(.gt, -1.5e-7)], fromZero: false) == "~:-0.00000015")
        #expect(PerfdataValue.range([rule(.eq, 1e16)], fromZero: false) == "@10000000000000000:10000000000000000")
        for threshold in [0.00001, 2.5e20, -1.5e-7, 1e16, 5e-324, 1.7976931348623157e308, 80, 0.5] {
            #expect(Double(PerfdataValue.number(threshold)) == threshold, "\(threshold)")
        }
    }
}
