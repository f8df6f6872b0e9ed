import Foundation

/// `alerts list`: what is firing and pending.
public struct AlertListReport: Report {
    public let alerts: [ActiveAlert]
    public let silences: [Silence]
    /// Services whose automatic remediation actions are paused, until when.
    public let pausedRemediations: [String: Date]

    public init(alerts: [ActiveAlert], silences: [Silence], pausedRemediations: [String: Date] = [:]) {
        self.alerts = alerts
        self.silences = silences
        self.pausedRemediations = pausedRemediations
    }

    enum CodingKeys: String, CodingKey { case alerts, silences, pausedRemediations = "paused_remediations" }

    public func renderText(_ style: TextStyle) -> String {
        let paused = pausedRemediations.sorted { $0.key < $1.key }.map {
            "\nRemediation of \($0.key) paused until \(TimeText.human($0.value, utc: style.utc)) ('remediate --resume \($0.key)')."
        }.joined()
        guard !alerts.isEmpty else { return "No alerts firing or pending." + paused }
        var table = Table([("ID", .left), ("STATE", .left), ("SEVERITY", .left), ("SINCE", .left), ("COUNT", .right),
                           ("SERIES", .left), ("MESSAGE", .left)])
        for alert in alerts.sorted(by: { ($0.phase == .firing ? 0 : 1, $1.severity, $0.activeSince) < ($1.phase == .firing ? 0 : 1, $0.severity, $1.activeSince) }) {
            var state = alert.phase.rawValue
            if alert.acknowledgedAt != nil { state += " (acked)" }
            let since = alert.phase == .firing ? alert.firedAt ?? alert.activeSince : alert.activeSince
            table.append([
                Table.Cell(String(alert.id.prefix(8))),
                Table.Cell(state, alert.phase == .firing ? .red : .yellow),
                Table.Cell(alert.severity.rawValue, alert.severity == .critical ? .red : nil),
                Table.Cell(TimeText.human(since, utc: style.utc)),
                Table.Cell("\(alert.count)"),
                Table.Cell(SeriesKey(alert.ruleID, labels: alert.labels).text),
                Table.Cell(alert.message),
            ])
        }
        var text = table.render(style)
        if !silences.isEmpty { text += "\n\(silences.count) silence\(silences.count == 1 ? "" : "s") active ('alerts silence --list')." }
        return text + paused
    }
}

/// `alerts history`.
public struct AlertHistoryReport: Report {
    public let since: Date
    public let events: [AlertEvent]

    public init(since: Date, events: [AlertEvent]) {
        self.since = since
        self.events = events
    }

    enum CodingKeys: String, CodingKey { case since, events }

    public func renderText(_ style: TextStyle) -> String {
        guard !events.isEmpty else { return "No alert fired, resolved or was acknowledged since \(TimeText.human(since, utc: style.utc))." }
        var table = Table([("TIME", .left), ("EVENT", .left), ("SEVERITY", .left), ("ID", .left), ("MESSAGE", .left)])
        for event in events {
            let color: TextStyle.Color? = event.event == "resolved" ? .green : event.event == "firing" || event.event == "escalated" ? .red : nil
            table.append([Table.Cell(TimeText.human(event.time, utc: style.utc)), Table.Cell(event.event, color),
                          Table.Cell(event.severity.rawValue), Table.Cell(String(event.alertID.prefix(8))), Table.Cell(event.message)])
        }
        return table.render(style)
    }
}

/// `alerts rules`: each rule, and its state for each series it watches.
public struct AlertRulesReport: Report {
    public struct SeriesState: Sendable, Encodable {
        public let labels: [String: String]
        public let value: Double
        public let sampledAt: Date
        public let state: String
        public let since: Date?

        enum CodingKeys: String, CodingKey { case labels, value, sampledAt = "sampled_at", state, since }
    }

    public struct RuleState: Sendable, Encodable {
        public let id: String
        public let name: String
        public let metric: String
        public let condition: AlertCondition
        public let threshold: Double
        /// `forecast`: how far ahead.
        public let horizon: TimeInterval?
        public let duration: TimeInterval
        public let severity: AlertSeverity
        public let series: [SeriesState]

        enum CodingKeys: String, CodingKey {
            case id, name, metric, condition, threshold, horizon = "horizon_seconds", duration = "duration_seconds", severity, series
        }

        /// Every key always there: `horizon_seconds` is null but for a forecast.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(metric, forKey: .metric)
            try container.encode(condition, forKey: .condition)
            try container.encode(threshold, forKey: .threshold)
            try container.encode(horizon, forKey: .horizon)
            try container.encode(duration, forKey: .duration)
            try container.encode(severity, forKey: .severity)
            try container.encode(series, forKey: .series)
        }
    }

    public let rules: [RuleState]

    public init(rules: [AlertRule], latest: [Sample], active: [ActiveAlert], now: Date, staleness: TimeInterval) {
        let byID = Dictionary(active.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.rules = rules.map { rule in
            let series = latest.filter {
                $0.name == rule.metric && SeriesKey($0.name, labels: $0.labels).matches(rule.labels) && now.timeIntervalSince($0.time) <= staleness
            }.map { sample in
                let alert = byID[ActiveAlert.fingerprint(ruleID: rule.id, labels: sample.labels)]
                return SeriesState(labels: sample.labels, value: sample.value, sampledAt: sample.time,
                                   state: alert?.phase.rawValue ?? "inactive",
                                   since: alert.map { $0.phase == .firing ? $0.firedAt ?? $0.activeSince : $0.activeSince })
            }
            return RuleState(id: rule.id, name: rule.name, metric: rule.metric, condition: rule.condition, threshold: rule.threshold,
                             horizon: rule.condition == .forecast ? rule.horizon : nil, duration: rule.duration, severity: rule.severity, series: series)
        }
    }

    enum CodingKeys: String, CodingKey { case rules }

    public func renderText(_ style: TextStyle) -> String {
        guard !rules.isEmpty else {
            let starter = StarterConfig.ruleIDs.joined(separator: ", ")
            return "No alert rules configured ('blackhole config init' writes a starter config with rules \(starter))."
        }
        var table = Table([("RULE", .left), ("CONDITION", .left), ("FOR", .right), ("SEVERITY", .left), ("SERIES", .left),
                           ("VALUE", .right), ("STATE", .left)])
        for rule in rules {
            var condition = "\(rule.metric) \(rule.condition.rawValue)"
            if rule.condition != .anomaly { condition += " \(NumberText.format(rule.threshold))" }
            if let horizon = rule.horizon { condition += " within \(DurationText.format(horizon))" }
            let head = [Table.Cell(rule.id), Table.Cell(condition), Table.Cell(DurationText.format(rule.duration)), Table.Cell(rule.severity.rawValue)]
            if rule.series.isEmpty {
                table.append(head + ["(no recent samples)", "", ""])
            }
            for (index, series) in rule.series.enumerated() {
                let color: TextStyle.Color? = series.state == "firing" ? .red : series.state == "pending" ? .yellow : nil
                table.append((index == 0 ? head : ["", "", "", ""]) + [
                    Table.Cell(SeriesKey(rule.metric, labels: series.labels).text), Table.Cell(NumberText.format(series.value)),
                    Table.Cell(series.state, color),
                ])
            }
        }
        return table.render(style)
    }
}

/// `alerts silence` and `alerts silence --list`.
public struct SilenceReport: Report {
    public let silences: [Silence]
    public let created: Bool

    public init(silences: [Silence], created: Bool) {
        self.silences = silences
        self.created = created
    }

    enum CodingKeys: String, CodingKey { case silences }

    public func renderText(_ style: TextStyle) -> String {
        guard !silences.isEmpty else { return "No active silences." }
        var table = Table([("ID", .left), ("RULE", .left), ("UNTIL", .left), ("COMMENT", .left)])
        for silence in silences {
            table.append([Table.Cell(silence.id), Table.Cell(SeriesKey(silence.ruleID, labels: silence.labels).text),
                          Table.Cell(TimeText.human(silence.endsAt, utc: style.utc)), Table.Cell(silence.comment)])
        }
        return (created ? "Silenced.\n" : "") + table.render(style)
    }
}

/// A one-line outcome (`ack`, `unsilence`, `test`).
public struct ActionReport: Report {
    public let ok: Bool
    public let message: String

    public init(ok: Bool, message: String) {
        self.ok = ok
        self.message = message
    }

    public func renderText(_ style: TextStyle) -> String { message }
}
