import Foundation
import Yams

/// `alerts rules --format prometheus`: the alert rules as a Prometheus rule file over the series
/// `telemetry serve` exposes on `/metrics`, so a fleet's Prometheus can alert as each node does.
/// One alerting rule per blackhole rule; a rule PromQL cannot say is listed in a comment with why.
public enum PrometheusRules {
    /// Why a rule cannot be said in PromQL over `/metrics`.
    struct Unexpressible: Error {
        let reason: String
    }

    /// - Parameters:
    ///   - staleness: `alerting.staleness`, which Prometheus does not apply (the header says so).
    ///   - compositeFamilies: the histogram and summary families `/metrics` exposes now
    ///     (`PrometheusText.compositeFamilies`): a plain series of the same name is `_value` there.
    public static func file(rules: [AlertRule], staleness: TimeInterval, compositeFamilies: Set<String>) -> String {
        var alerting: [ConfigTree] = []
        var notes: [String] = []
        var omitted: [String] = []
        for rule in rules {
            switch expression(rule, compositeFamilies: compositeFamilies) {
            case .success(let expr):
                alerting.append(alertingRule(rule, expr: expr))
                let exposed = PrometheusText.plainName(rule.metric, compositeFamilies: compositeFamilies)
                if rule.condition == .forecast {
                    notes.append("# \(rule.id): predict_linear fits least squares; blackhole fits Theil-Sen (median of pair slopes), "
                        + "so one wild sample moves this forecast more than blackhole's, and it does not wait for "
                        + "\(rule.minSamples) samples over 3/4 of the \(DurationText.exact(rule.window)) window as blackhole does.")
                }
                if exposed != PrometheusText.metricName(rule.metric) {
                    notes.append("# \(rule.id): a histogram or summary named like \(rule.metric) is exposed too, so its series is "
                        + "\(exposed) on this node, and may not be on others: both names are matched.")
                }
            case .failure(let unexpressible):
                omitted.append("#   \(rule.id): \(unexpressible.reason)")
            }
        }
        let tree = ConfigTree.map([("groups", .list([.map([("name", .string("blackhole")), ("rules", .list(alerting))])]))])
        var text = """
            # blackhole's alert rules (alert_rules) as Prometheus alerting rules over the series that
            # `blackhole telemetry serve` exposes on /metrics. Made by `blackhole telemetry alerts rules
            # --format prometheus`; check with `promtool check rules FILE`.
            #
            # What differs: blackhole resolves an alert when its series has no sample newer than
            # alerting.staleness (\(DurationText.exact(staleness))). /metrics shows each series' newest stored sample, without its
            # time, until storage.retention.metrics removes it, so here an alert resolves only when the
            # value stops meeting the condition, the series leaves /metrics, or the scrape fails
            # (Prometheus' own staleness). Prometheus evaluates every evaluation_interval, blackhole at
            # each check run; `for` means the same in both.

            """
        if !notes.isEmpty { text += notes.joined(separator: "\n") + "\n" }
        // Unwrapped: an expression or a `{{ $value }}` stays on one line.
        text += (try? Yams.serialize(node: tree.yaml, width: -1, allowUnicode: true)) ?? ""
        if rules.isEmpty { text += "# No alert rules configured.\n" }
        if !omitted.isEmpty { text += "# Not expressible in PromQL over /metrics, so left out:\n" + omitted.joined(separator: "\n") + "\n" }
        return text
    }

    /// `metric{label="value",...} > threshold` in the names `/metrics` uses; `predict_linear` for a forecast.
    static func expression(_ rule: AlertRule, compositeFamilies: Set<String>) -> Result<String, Unexpressible> {
        if rule.condition == .anomaly {
            return .failure(Unexpressible(reason: "an anomaly is judged on the window's median and median absolute deviation, "
                + "which PromQL has no function for"))
        }
        var matchers: [(name: String, key: String, value: String)] = []
        for (key, value) in rule.labels.sorted(by: { $0.key < $1.key }) {
            let name = PrometheusText.labelName(key)
            if value.isEmpty {
                return .failure(Unexpressible(reason: "label \"\(key)\" must be empty, and Prometheus does not tell an empty label from a missing one"))
            }
            if let other = matchers.first(where: { $0.name == name }) {
                return .failure(Unexpressible(reason: "labels \"\(other.key)\" and \"\(key)\" are both \(name) on /metrics, which keeps only one of them"))
            }
            matchers.append((name, key, value))
        }
        var selectors = matchers.map { "\($0.name)=\"\(PrometheusText.escape($0.value))\"" }
        let legal = PrometheusText.metricName(rule.metric)
        let exposed = PrometheusText.plainName(rule.metric, compositeFamilies: compositeFamilies)
        let selector: String
        if exposed == legal {
            selector = legal + (selectors.isEmpty ? "" : "{" + selectors.joined(separator: ",") + "}")
        } else {
            // Another node without that histogram exposes the plain series under its own name.
            selectors.insert("__name__=~\"\(legal)|\(exposed)\"", at: 0)
            selector = "{" + selectors.joined(separator: ",") + "}"
        }
        let threshold = PrometheusText.format(rule.threshold)
        guard rule.condition == .forecast else { return .success("\(selector) \(rule.condition.symbol) \(threshold)") }
        let range = "\(selector)[\(DurationText.exact(rule.window))]"
        let now = "predict_linear(\(range), 0)", ahead = "predict_linear(\(range), \(PrometheusText.format(rule.horizon)))"
        switch rule.direction {
        case .down: return .success("\(ahead) <= \(threshold)")
        case .up: return .success("\(ahead) >= \(threshold)")
        case .both, nil: return .success("(\(now) > \(threshold) and \(ahead) <= \(threshold)) or (\(now) < \(threshold) and \(ahead) >= \(threshold))")
        }
    }

    static func alertingRule(_ rule: AlertRule, expr: String) -> ConfigTree {
        var labels = rule.labels.map { (PrometheusText.labelName($0.key), ConfigTree.string(literal($0.value))) }
            .filter { $0.0 != "severity" }.sorted { $0.0 < $1.0 }
        labels.append(("severity", .string(rule.severity.rawValue)))
        var description = "\(rule.metric) = {{ $value }} (\(rule.condition.symbol) \(NumberText.format(rule.threshold)))"
        if rule.condition == .forecast {
            let seen = rule.direction == .up || rule.direction == .down ? "in \(DurationText.format(rule.horizon))" : "now"
            description = "\(rule.metric) trends to \(NumberText.format(rule.threshold)) within \(DurationText.format(rule.horizon)) "
                + "(fitted value \(seen): {{ $value }})"
        }
        if !rule.description.isEmpty { description = literal(rule.description) + ": " + description }
        return .map([
            ("alert", .string(rule.id)),
            ("expr", .string(expr)),
            ("for", .string(DurationText.exact(rule.duration))),
            ("labels", .map(labels)),
            ("annotations", .map([("summary", .string(literal(rule.name))), ("description", .string(description))])),
        ])
    }

    /// Label values and annotations are Go templates in Prometheus: a `{{` of the config's text
    /// must stay text.
    static func literal(_ text: String) -> String {
        text.replacingOccurrences(of: "{{", with: "{{ \"{{\" }}")
    }
}
