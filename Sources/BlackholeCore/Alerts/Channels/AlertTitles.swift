import Foundation

/// How notifications for people name alerts: `[FIRING critical] Service Down: storage`, the state
/// and severity first, then the rule's name and the service. A mail's subject, a Slack message's
/// text and headers.
struct AlertTitles: Sendable {
    /// Rule ids to their names: the payload carries the id.
    let ruleNames: [String: String]

    /// `[FIRING critical] Service Down: storage`; several alerts as `[...] 3 alerts: A: s1, s2; B`,
    /// cut after `length` characters with how many more there are.
    func title(_ alerts: [AlertPayload], length: Int) -> String {
        let names = alerts.map(name).removingDuplicates()
        let items = names.map { name in
            let services = alerts.filter { self.name($0) == name }.map(\.service).filter { !$0.isEmpty }.removingDuplicates()
            return services.isEmpty ? name : "\(name): \(services.joined(separator: ", "))"
        }
        var listed = ""
        for (index, item) in items.enumerated() {
            let next = listed.isEmpty ? item : listed + "; " + item
            if index > 0 && next.count > length {
                listed += " (+\(items.count - index) more)"
                break
            }
            listed = next
        }
        return "[\(Self.tag(alerts))] " + (alerts.count > 1 ? "\(alerts.count) alerts: " : "") + listed
    }

    /// `FIRING critical` (the most severe of those firing, `escalated` when one is), `RESOLVED
    /// warning` (the most severe of those resolved), or both.
    static func tag(_ alerts: [AlertPayload]) -> String {
        var parts: [String] = []
        let firing = alerts.filter { $0.state == .firing }
        if let severity = firing.map(\.severity).max() {
            parts.append("FIRING \(severity.rawValue)" + (firing.contains { $0.metadata.escalation } ? ", escalated" : ""))
        }
        if let severity = alerts.filter({ $0.state == .resolved }).map(\.severity).max() {
            parts.append("RESOLVED \(severity.rawValue)")
        }
        return parts.joined(separator: ", ")
    }

    /// The rule's name; its message when the rule is not (or no longer) configured, as for the
    /// test notification.
    func name(_ alert: AlertPayload) -> String {
        ruleNames[alert.ruleID] ?? alert.message
    }

    /// How long from `start` to `end`, rounded to the second: `4m30s`.
    static func duration(from start: Date, to end: Date) -> String {
        DurationText.format(max(0, end.timeIntervalSince(start)).rounded())
    }
}
