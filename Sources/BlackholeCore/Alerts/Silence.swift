import Foundation

/// Mutes notifications of one rule's alerts (optionally only those with some labels) for a while.
/// Alerts still change state and are listed; they are just not sent.
public struct Silence: Codable, Sendable, Equatable {
    public var id: String
    public var ruleID: String
    public var labels: [String: String]
    public var startsAt: Date
    public var endsAt: Date
    public var comment: String

    public init(id: String, ruleID: String, labels: [String: String], startsAt: Date, endsAt: Date, comment: String) {
        self.id = id
        self.ruleID = ruleID
        self.labels = labels
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.comment = comment
    }

    public func mutes(_ alert: ActiveAlert, at now: Date) -> Bool {
        alert.ruleID == ruleID && now >= startsAt && now < endsAt && SeriesKey(alert.metric, labels: alert.labels).matches(labels)
    }

    enum CodingKeys: String, CodingKey {
        case id, ruleID = "rule_id", labels, startsAt = "starts_at", endsAt = "ends_at", comment
    }
}
