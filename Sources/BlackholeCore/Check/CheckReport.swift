import Foundation

/// Nagios plugin states: the exit code of `check`.
public enum CheckStatus: String, Sendable, Encodable, Comparable {
    case ok = "OK", warning = "WARNING", critical = "CRITICAL", unknown = "UNKNOWN"

    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    private var rank: Int { [.ok: 0, .warning: 1, .unknown: 2, .critical: 3][self]! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

public struct CheckReport: Report {
    public let time: Date
    public let duration: TimeInterval
    public let health: HealthReport
    public let alerts: [ActiveAlert]
    public let resources: ResourceSnapshot
    public let p2p: P2PStatusReport?
    public let notifications: DeliveryReport
    public let pruned: Int
    /// Alerts that started firing or resolved in this run (not printed: `alerts` shows the state).
    public let transitions: [AlertTransition]
    /// What remediation decided for each service that has one.
    public let remediations: [RemediationDecision]
    let rules: [AlertRule]

    public var firing: [ActiveAlert] { alerts.filter { $0.phase == .firing } }

    /// CRITICAL for a firing critical alert or an unhealthy critical service; WARNING for any
    /// other firing alert, any service not healthy, or notifications given up on.
    public var status: CheckStatus {
        var status = CheckStatus.ok
        for alert in firing {
            status = max(status, alert.severity == .critical ? .critical : alert.severity == .warning ? .warning : .ok)
        }
        for service in health.services where service.status != .healthy {
            status = max(status, service.status == .unhealthy && service.criticality == .critical ? .critical : .warning)
        }
        if let p2p, p2p.status != .healthy { status = max(status, .warning) }
        if !notifications.expired.isEmpty { status = max(status, .warning) }
        return status
    }

    /// What a person reads first: the problems, in a sentence.
    public var summary: String {
        var parts: [String] = []
        if !firing.isEmpty {
            parts.append("\(firing.count) alert\(firing.count == 1 ? "" : "s") firing (" + firing.map { alert in
                SeriesKey(alert.ruleID, labels: alert.labels.filter { $0.key == "service" || $0.key == "path" || $0.key == "interface" }).text
            }.joined(separator: ", ") + ")")
        }
        let bad = health.services.filter { $0.status != .healthy }
        if !bad.isEmpty {
            parts.append(bad.map { "\($0.name) \($0.status.rawValue)" }.joined(separator: ", "))
        }
        if let p2p, p2p.status != .healthy { parts.append("p2p \(p2p.status.rawValue) (\(p2p.reasons.joined(separator: "; ")))") }
        if !notifications.expired.isEmpty { parts.append("\(notifications.expired.count) notifications undeliverable") }
        if parts.isEmpty {
            parts.append(health.services.isEmpty ? "no alerts firing" : "\(health.services.count) services healthy, no alerts firing")
        }
        return parts.joined(separator: "; ")
    }

    /// `BLACKHOLE CRITICAL - summary | 'cpu'=12.5%;80;95;0;100 ...`: the Nagios plugin output line.
    public var nagiosLine: String {
        "BLACKHOLE \(status.rawValue) - \(summary) | " + perfdata.map { $0.text(rules: rules) }.joined(separator: " ")
    }

    /// Each value under the series it was recorded as, so the rules over that series give its thresholds.
    var perfdata: [PerfdataValue] {
        var data = [
            PerfdataValue("cpu", resources.cpu.usagePercent, unit: "%", series: SeriesKey("system.cpu.usage_percent")),
            PerfdataValue("load1", resources.cpu.loadAverage1m, series: SeriesKey("system.cpu.load_average_1m")),
            PerfdataValue("memory", resources.memory.usagePercent, unit: "%", series: SeriesKey("system.memory.usage_percent")),
        ]
        data += resources.disks.map {
            PerfdataValue("disk \($0.path)", $0.usagePercent, unit: "%", series: SeriesKey("system.disk.usage_percent", labels: ["path": $0.path]))
        }
        if let p2p {
            data.append(PerfdataValue("p2p peers", Double(p2p.connectedPeers), series: SeriesKey("p2p.peer.connections")))
            if let latency = p2p.averageLatency {
                data.append(PerfdataValue("p2p latency", latency * 1000, unit: "ms", series: SeriesKey("p2p.latency_ms")))
            }
        }
        for service in health.services {
            let labels = ["service": service.name, "criticality": service.criticality.rawValue]
            data.append(PerfdataValue("\(service.name) status", service.status.metricValue, series: SeriesKey("service.health.status", labels: labels)))
            if let state = service.state {
                data.append(PerfdataValue("\(service.name) response", state.responseTime * 1000, unit: "ms",
                                          series: SeriesKey("service.response_time", labels: labels)))
            }
        }
        return data
    }

    enum CodingKeys: String, CodingKey {
        case time, status, summary, duration = "duration_ms", services, remediations, alerts, resources, p2p, notifications, pruned = "pruned_rows"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(status, forKey: .status)
        try container.encode(summary, forKey: .summary)
        try container.encode((duration * 1000).rounded(), forKey: .duration)
        try container.encode(health.services, forKey: .services)
        try container.encode(remediations, forKey: .remediations)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(resources, forKey: .resources)
        try container.encode(p2p, forKey: .p2p)
        try container.encode(notifications, forKey: .notifications)
        try container.encode(pruned, forKey: .pruned)
    }

    public func renderText(_ style: TextStyle) -> String {
        let color: TextStyle.Color? = status == .ok ? .green : status == .warning ? .yellow : .red
        var sections = [style.paint("\(status.rawValue): \(summary)", color)]
        if !health.services.isEmpty { sections.append(health.renderText(style)) }
        if !remediations.isEmpty { sections.append(Self.remediationText(remediations)) }
        if let p2p { sections.append(p2p.renderText(style)) }
        sections.append(AlertListReport(alerts: alerts, silences: []).renderText(style))
        var delivery = "Notifications: \(notifications.delivered) delivered"
        if !notifications.failed.isEmpty {
            delivery += ", \(notifications.failed.count) failed (" + Set(notifications.failed.map { "\($0.channel): \($0.error)" }).sorted().joined(separator: "; ") + ")"
        }
        if notifications.waiting > 0 { delivery += ", \(notifications.waiting) waiting for a later run" }
        for handover in Set(notifications.fallbacks.map { "\($0.channel) to \($0.fallback)" }).sorted() {
            delivery += ", handed over from \(handover)"
        }
        if !notifications.expired.isEmpty { delivery += ", \(notifications.expired.count) given up after the outbox's maximum age" }
        sections.append(delivery + ". Took \(DurationText.format(duration)).")
        return sections.joined(separator: "\n\n")
    }

    /// One line per service with a remediation: what was decided, and the action's outcome.
    static func remediationText(_ decisions: [RemediationDecision]) -> String {
        "Remediation:\n" + decisions.map { decision in
            var line = "  \(decision.service): \(decision.decision.rawValue.replacingOccurrences(of: "_", with: " ")) (\(decision.detail))"
            if let action = decision.action {
                line += ": \(action.action.joined(separator: " ")) \(action.result.rawValue.replacingOccurrences(of: "_", with: " "))"
                if let code = action.exitStatus { line += ", exit \(code)" }
                line += " in \(DurationText.format(action.duration ?? 0))"
            }
            return line
        }.joined(separator: "\n")
    }
}
