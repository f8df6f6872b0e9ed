import Foundation

public enum AlertPhase: String, Codable, Sendable {
    case pending, firing
}

/// One alert: a rule holding for one series. Its id is the fingerprint of the rule and the
/// series' labels, so the same problem is always the same alert: counted when it repeats, not
/// announced again.
public struct ActiveAlert: Codable, Sendable, Equatable {
    public var id: String
    public var ruleID: String
    public var metric: String
    public var labels: [String: String]
    public var severity: AlertSeverity
    public var phase: AlertPhase
    public var value: Double
    /// When the condition started holding.
    public var activeSince: Date
    public var firedAt: Date?
    /// The last evaluation at which the condition held.
    public var lastSeen: Date
    /// Evaluations at which it held while firing.
    public var count: Int
    public var message: String
    public var lastNotifiedAt: Date?
    public var acknowledgedAt: Date?
    public var escalatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, ruleID = "rule_id", metric, labels, severity, phase = "state", value, activeSince = "active_since"
        case firedAt = "fired_at", lastSeen = "last_seen", count, message, lastNotifiedAt = "last_notified_at"
        case acknowledgedAt = "acknowledged_at", escalatedAt = "escalated_at"
    }

    /// FNV-1a over the rule id and the sorted labels: stable across runs and versions.
    public static func fingerprint(ruleID: String, labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = ([ruleID] + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(format: "%016llx", hash)
    }

    /// The alert's kind, as notifications name it (`type`), from the metric it watches.
    public var type: String {
        switch metric.split(separator: ".").first {
        case "service": "service_health"
        case "system": "resource_usage"
        case "p2p": "p2p_network"
        case "trace": "performance"
        default: "metric"
        }
    }
}

/// What happened to an alert in one evaluation. As JSON (serve's stream sends it), the alert's own
/// fields with `state` saying `firing` or `resolved`.
public struct AlertTransition: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable {
        case firing, resolved
        /// An operator's `alerts ack`: only ever a notification (to PagerDuty), never an
        /// evaluation's transition.
        case acknowledged
    }

    public var kind: Kind
    public var alert: ActiveAlert
    public var at: Date

    public func encode(to encoder: any Encoder) throws {
        try alert.encode(to: encoder)
        var container = encoder.container(keyedBy: StateKey.self)
        try container.encode(kind.rawValue, forKey: .state)
    }

    private enum StateKey: String, CodingKey { case state }
}
