import Foundation

/// A notification on its way to one channel: one alert, or several when the channel groups.
public struct Notification: Sendable, Equatable {
    public var channel: String
    public var payload: Data
    /// Notifications with the same key on the same channel are states of one thing: a newer one
    /// replaces an older one still waiting in the outbox.
    public var replaces: String?

    public init(channel: String, payload: Data, replaces: String? = nil) {
        self.channel = channel
        self.payload = payload
        self.replaces = replaces
    }
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
        /// The rule's description.
        var description = ""
    }

    public static func plan(_ evaluation: AlertEvaluator.Result, rules: [AlertRule], channels: [NotificationChannel],
                            silences: [Silence], repeatInterval: TimeInterval, now: Date) -> Plan {
        let rulesByID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let resending = Set(channels.filter(\.resendsWhileFiring).map(\.name))
        var messages: [Message] = []
        var active = evaluation.active
        for index in active.indices where active[index].phase == .firing {
            var alert = active[index]
            let rule = rulesByID[alert.ruleID]
            let description = rule?.description ?? ""
            guard !silences.contains(where: { $0.mutes(alert, at: now) }) else { continue }
            let targets = rule?.notificationChannels ?? []
            let due = alert.lastNotifiedAt.map { alert.acknowledgedAt == nil && now.timeIntervalSince($0) >= repeatInterval } ?? true
            if due {
                alert.lastNotifiedAt = now
                messages.append(Message(alert: alert, state: .firing, escalation: false, channels: targets, description: description))
            } else {
                // Still firing: told again to the channels that forget what is not repeated; the
                // people behind the others wait for the repeat interval.
                let again = targets.filter(resending.contains)
                if !again.isEmpty {
                    messages.append(Message(alert: alert, state: .firing, escalation: false, channels: again, description: description))
                }
            }
            if let rule, alert.severity == .critical, alert.acknowledgedAt == nil, alert.escalatedAt == nil,
               !rule.escalationChannels.isEmpty, let firedAt = alert.firedAt,
               now.timeIntervalSince(firedAt) >= rule.escalateAfter {
                alert.escalatedAt = now
                messages.append(Message(alert: alert, state: .firing, escalation: true, channels: rule.escalationChannels,
                                        description: description))
            }
            active[index] = alert
        }
        for transition in evaluation.transitions where transition.kind == .resolved && transition.alert.lastNotifiedAt != nil {
            let rule = rulesByID[transition.alert.ruleID]
            let escalated = transition.alert.escalatedAt != nil ? rule?.escalationChannels ?? [] : []
            let targets = (rule?.notificationChannels ?? []) + escalated.filter { !(rule?.notificationChannels ?? []).contains($0) }
            messages.append(Message(alert: transition.alert, state: .resolved, resolvedAt: now, escalation: false, channels: targets,
                                    description: rule?.description ?? ""))
        }
        return Plan(active: active, notifications: route(messages, channels: channels, now: now))
    }

    /// What `alerts ack` sends: the acknowledgement, to the channels of the alert's rule that keep
    /// incidents (PagerDuty), once they have heard of the alert.
    public static func acknowledgement(_ alert: ActiveAlert, rules: [AlertRule], channels: [NotificationChannel],
                                       now: Date) -> [Notification] {
        guard alert.lastNotifiedAt != nil, let rule = rules.first(where: { $0.id == alert.ruleID }) else { return [] }
        let targets = rule.notificationChannels + (alert.escalatedAt != nil ? rule.escalationChannels : [])
        let incidents = channels.filter { channel in
            if case .pagerduty = channel.kind { return targets.contains(channel.name) }
            return false
        }
        return route([Message(alert: alert, state: .acknowledged, escalation: false, channels: targets, description: rule.description)],
                     channels: incidents, now: now)
    }

    /// What `alerts test` sends: an info alert that says it is a test.
    /// A test notification for `channel`: firing, or (`resolved`) its resolution.
    public static func testPayload(channel: String, now: Date, resolved: Bool = false) -> Data {
        let alert = ActiveAlert(
            id: ActiveAlert.fingerprint(ruleID: "blackhole_test", labels: ["channel": channel]), ruleID: "blackhole_test",
            metric: "blackhole.test", labels: ["channel": channel], severity: .info, phase: .firing, value: 1, activeSince: now,
            firedAt: now, lastSeen: now, count: 1, message: "Test notification from blackhole to channel \(channel)",
            lastNotifiedAt: nil, acknowledgedAt: nil, escalatedAt: nil)
        return AlertPayload.encode(AlertPayload(Message(alert: alert, state: resolved ? .resolved : .firing, resolvedAt: resolved ? now : nil,
                                                        escalation: false, channels: [channel]), now: now))
    }

    static func route(_ messages: [Message], channels: [NotificationChannel], now: Date) -> [Notification] {
        var notifications: [Notification] = []
        for channel in channels {
            let mine = messages.filter { $0.channels.contains(channel.name) && $0.alert.severity >= channel.minSeverity }
            guard !mine.isEmpty else { continue }
            let payloads = mine.map { AlertPayload($0, now: now) }
            if channel.resendsWhileFiring {
                // A newer firing replaces an older firing; a resolution waits behind it, so that the
                // receiver hears the states in order.
                notifications += payloads.map {
                    Notification(channel: channel.name, payload: AlertPayload.encode($0), replaces: "\($0.alertID):\($0.state.rawValue)")
                }
            } else if channel.group {
                notifications.append(Notification(channel: channel.name, payload: AlertPayload.encode(group: payloads, now: now)))
            } else {
                notifications += payloads.map { Notification(channel: channel.name, payload: AlertPayload.encode($0)) }
            }
        }
        return notifications
    }
}
