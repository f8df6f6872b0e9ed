import Foundation

/// A notification as the outbox keeps it and a webhook receives it: `alert_id`, `rule_id`,
/// `type`, `severity`, `service`, `message`, `description` (the rule's), `timestamp` and
/// `metadata`, plus `state` and `resolved_at` so that a receiver can tell a resolution from a
/// firing. A grouping channel gets `{"alerts": [...], "timestamp": ...}`. Channels that speak
/// another language (Alertmanager) read it back and translate.
struct AlertPayload: Codable, Equatable {
    let alertID: String
    let ruleID: String
    let type: String
    let severity: AlertSeverity
    let service: String
    var message: String
    let description: String
    let timestamp: Date
    let state: AlertTransition.Kind
    let resolvedAt: Date?
    let metadata: Metadata
    /// The channel that could not deliver it, when this is a fallback's copy.
    var fallbackFor: String?

    struct Metadata: Codable, Equatable {
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
        case alertID = "alert_id", ruleID = "rule_id", type, severity, service, message, description, timestamp, state
        case resolvedAt = "resolved_at", metadata, fallbackFor = "fallback_for"
    }

    init(_ message: NotificationPlanner.Message, now: Date) {
        let alert = message.alert
        alertID = alert.id
        ruleID = alert.ruleID
        type = alert.type
        severity = alert.severity
        service = alert.labels["service"] ?? ""
        self.message = (message.escalation ? "ESCALATED: " : "") + message.state.prefix + alert.message
        description = message.description
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
        try container.encode(description, forKey: .description)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(state, forKey: .state)
        try container.encode(resolvedAt, forKey: .resolvedAt)  // null while firing: the key is always there
        try container.encode(metadata, forKey: .metadata)
        try container.encode(fallbackFor, forKey: .fallbackFor)
    }

    /// The copy a fallback channel gets: the same alert, its message saying whose it was.
    func fallback(for channel: String) -> AlertPayload {
        var copy = self
        copy.fallbackFor = channel
        copy.message = "(via fallback: \(channel) could not deliver) " + message
        return copy
    }

    static func encode(_ payload: AlertPayload) -> Data {
        Data(((try? JSONOutput.encode(payload, pretty: false)) ?? "{}").utf8)
    }

    struct Group: Codable {
        let alerts: [AlertPayload]
        let timestamp: Date
    }

    static func encode(group payloads: [AlertPayload], now: Date) -> Data {
        Data(((try? JSONOutput.encode(Group(alerts: payloads, timestamp: now), pretty: false)) ?? "{}").utf8)
    }

    /// An outbox body as a fallback channel gets it, one alert or a group alike.
    static func fallbackBody(_ body: Data, for channel: String, now: Date) throws -> Data {
        if let group = try? decoder.decode(Group.self, from: body) {
            return encode(group: group.alerts.map { $0.fallback(for: channel) }, now: now)
        }
        return encode(try decode(body)[0].fallback(for: channel))
    }

    /// The alerts of an outbox body: one, or a group's.
    static func decode(_ body: Data) throws -> [AlertPayload] {
        if let group = try? decoder.decode(Group.self, from: body) { return group.alerts }
        do {
            return [try decoder.decode(AlertPayload.self, from: body)]
        } catch {
            throw BlackholeError(.environment, "a notification in the outbox is not blackhole's alert JSON: \(error)")
        }
    }

    /// Reads what `JSONOutput` wrote: RFC 3339 times.
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = TimeText.parseRFC3339(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }
}

extension AlertTransition.Kind {
    /// What a notification's message starts with: nothing for a firing.
    fileprivate var prefix: String {
        switch self {
        case .firing: ""
        case .resolved: "RESOLVED: "
        case .acknowledged: "ACKNOWLEDGED: "
        }
    }
}
