import Foundation

/// A notification on its way to one channel: one alert, or several when the channel groups.
public struct Notification: Sendable, Equatable {
    public var channel: String
    public var payload: Data
}

/// Decides who hears about what, after an evaluation: new firings, repeats past the repeat
/// interval, resolutions of what was announced, escalations of unacknowledged critical alerts.
/// Silences mute; acknowledgements stop repeats and escalation. Grouping channels get one
/// notification per run. Pure: the alerts it returns carry the updated notification times.
public enum NotificationPlanner {
    public struct Plan: Sendable, Equatable {
        public var active: [ActiveAlert]
        public var notifications: [Notification]
    }

    struct Message {
        var alert: ActiveAlert
        var state: AlertTransition.Kind
        var resolvedAt: Date?
        var escalation: Bool
        var channels: [String]
    }

    public static func plan(_ evaluation: AlertEvaluator.Result, rules: [AlertRule], channels: [NotificationChannel],
                            silences: [Silence], repeatInterval: TimeInterval, now: Date) -> Plan {
        let rulesByID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var messages: [Message] = []
        var active = evaluation.active
        for index in active.indices where active[index].phase == .firing {
            var alert = active[index]
            let rule = rulesByID[alert.ruleID]
            guard !silences.contains(where: { $0.mutes(alert, at: now) }) else { continue }
            let due = alert.lastNotifiedAt.map { alert.acknowledgedAt == nil && now.timeIntervalSince($0) >= repeatInterval } ?? true
            if due {
                alert.lastNotifiedAt = now
                messages.append(Message(alert: alert, state: .firing, escalation: false, channels: rule?.notificationChannels ?? []))
            }
            if let rule, alert.severity == .critical, alert.acknowledgedAt == nil, alert.escalatedAt == nil,
               !rule.escalationChannels.isEmpty, let firedAt = alert.firedAt,
               now.timeIntervalSince(firedAt) >= rule.escalateAfter {
                alert.escalatedAt = now
                messages.append(Message(alert: alert, state: .firing, escalation: true, channels: rule.escalationChannels))
            }
            active[index] = alert
        }
        for transition in evaluation.transitions where transition.kind == .resolved && transition.alert.lastNotifiedAt != nil {
            let rule = rulesByID[transition.alert.ruleID]
            let escalated = transition.alert.escalatedAt != nil ? rule?.escalationChannels ?? [] : []
            let targets = (rule?.notificationChannels ?? []) + escalated.filter { !(rule?.notificationChannels ?? []).contains($0) }
            messages.append(Message(alert: transition.alert, state: .resolved, resolvedAt: now, escalation: false, channels: targets))
        }
        return Plan(active: active, notifications: route(messages, channels: channels, now: now))
    }

    /// What `alerts test` sends: an info alert that says it is a test.
    public static func testPayload(channel: String, now: Date) -> Data {
        let alert = ActiveAlert(
            id: ActiveAlert.fingerprint(ruleID: "blackhole_test", labels: ["channel": channel]), ruleID: "blackhole_test",
            metric: "blackhole.test", labels: ["channel": channel], severity: .info, phase: .firing, value: 1, activeSince: now,
            firedAt: now, lastSeen: now, count: 1, message: "Test notification from blackhole to channel \(channel)",
            lastNotifiedAt: nil, acknowledgedAt: nil, escalatedAt: nil)
        return AlertPayload.encode(AlertPayload(Message(alert: alert, state: .firing, escalation: false, channels: [channel]), now: now))
    }

    static func route(_ messages: [Message], channels: [NotificationChannel], now: Date) -> [Notification] {
        var notifications: [Notification] = []
        for channel in channels {
            let mine = messages.filter { $0.channels.contains(channel.name) && $0.alert.severity >= channel.minSeverity }
            guard !mine.isEmpty else { continue }
            let payloads = mine.map { AlertPayload($0, now: now) }
            if channel.group {
                notifications.append(Notification(channel: channel.name, payload: AlertPayload.encode(group: payloads, now: now)))
            } else {
                notifications += payloads.map { Notification(channel: channel.name, payload: AlertPayload.encode($0)) }
            }
        }
        return notifications
    }
}

/// The body a webhook receives: `alert_id`, `rule_id`, `type`, `severity`, `service`, `message`,
/// `timestamp` and `metadata`, plus `state` and `resolved_at` so that a receiver can tell a
/// resolution from a firing.
struct AlertPayload: Encodable {
    let alertID: String
    let ruleID: String
    let type: String
    let severity: AlertSeverity
    let service: String
    let message: String
    let timestamp: Date
    let state: AlertTransition.Kind
    let resolvedAt: Date?
    let metadata: Metadata

    struct Metadata: Encodable {
        let metric: String
        let labels: [String: String]
        let value: Double
        let count: Int
        let activeSince: Date
        let escalation: Bool
        let acknowledged: Bool

        enum CodingKeys: String, CodingKey {
            case metric, labels, value, count, activeSince = "active_since", escalation, acknowledged
        }
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", ruleID = "rule_id", type, severity, service, message, timestamp, state
        case resolvedAt = "resolved_at", metadata
    }

    init(_ message: NotificationPlanner.Message, now: Date) {
        let alert = message.alert
        alertID = alert.id
        ruleID = alert.ruleID
        type = alert.type
        severity = alert.severity
        service = alert.labels["service"] ?? ""
        self.message = (message.escalation ? "ESCALATED: " : "") + (message.state == .resolved ? "RESOLVED: " : "") + alert.message
        timestamp = now
        state = message.state
        resolvedAt = message.resolvedAt
        metadata = Metadata(metric: alert.metric, labels: alert.labels, value: alert.value, count: alert.count,
                            activeSince: alert.activeSince, escalation: message.escalation, acknowledged: alert.acknowledgedAt != nil)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alertID, forKey: .alertID)
        try container.encode(ruleID, forKey: .ruleID)
        try container.encode(type, forKey: .type)
        try container.encode(severity, forKey: .severity)
        try container.encode(service, forKey: .service)
        try container.encode(message, forKey: .message)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(state, forKey: .state)
        try container.encode(resolvedAt, forKey: .resolvedAt)  // null while firing: the key is always there
        try container.encode(metadata, forKey: .metadata)
    }

    static func encode(_ payload: AlertPayload) -> Data {
        Data(((try? JSONOutput.encode(payload, pretty: false)) ?? "{}").utf8)
    }

    struct Group: Encodable {
        let alerts: [AlertPayload]
        let timestamp: Date
    }

    static func encode(group payloads: [AlertPayload], now: Date) -> Data {
        Data(((try? JSONOutput.encode(Group(alerts: payloads, timestamp: now), pretty: false)) ?? "{}").utf8)
    }
}
