import Foundation

/// What an alert mail says: a subject to triage from the inbox (`[FIRING critical] Service Down:
/// storage`, `[RESOLVED critical] Service Down: storage`) and a plain-text body with every detail. A
/// grouped notification is one mail listing every alert. Values in, a message out.
struct AlertMail: Sendable {
    let from: String
    let to: [String]
    let titles: AlertTitles
    /// This node, as notifications name it (`alerting.instance`).
    let instance: String
    /// serve's dashboard, when it has a public address.
    let link: String?

    /// Subjects longer than this list fewer alerts, then say how many more.
    static let subjectLength = 120

    /// `messageID` is made by the caller (it must be unique); the date is the notification's, so
    /// a mail delayed in the outbox still says when the alert changed.
    func message(_ alerts: [AlertPayload], messageID: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: titles.title(alerts, length: Self.subjectLength),
                    date: alerts.map(\.timestamp).max() ?? .distantPast, messageID: messageID, body: body(alerts))
    }

    func body(_ alerts: [AlertPayload]) -> String {
        var sections: [String] = []
        if alerts.count > 1 {
            let firing = alerts.filter { $0.state == .firing }.count
            sections.append("\(alerts.count) alerts changed state on \(instance): \(firing) firing, \(alerts.count - firing) resolved.")
        }
        sections += alerts.map(details)
        if let link { sections.append("Dashboard: \(link)") }
        return sections.joined(separator: "\n\n") + "\n\n-- \nblackhole on \(instance)\n"
    }

    /// One alert: what happened in words, then its facts aligned.
    private func details(_ alert: AlertPayload) -> String {
        let service = alert.service.isEmpty ? "" : ": \(alert.service)"
        var lines = ["[\(AlertTitles.tag([alert]))] \(titles.name(alert))\(service)", alert.message]
        if !alert.description.isEmpty { lines.append(alert.description) }
        lines.append("")
        var facts: [(String, String)] = [("Rule", alert.ruleID)]
        if !alert.service.isEmpty { facts.append(("Service", alert.service)) }
        facts += [("Severity", alert.severity.rawValue), ("State", alert.state.rawValue),
                  ("Value", NumberText.format(alert.metadata.value)), ("Metric", alert.metadata.metric)]
        let since = TimeText.human(alert.metadata.activeSince, utc: true)
        if let resolvedAt = alert.resolvedAt {
            facts.append(("Since", since))
            facts.append(("Resolved", "\(TimeText.human(resolvedAt, utc: true)) (after \(AlertTitles.duration(from: alert.metadata.activeSince, to: resolvedAt)))"))
        } else {
            facts.append(("Since", "\(since) (for \(AlertTitles.duration(from: alert.metadata.activeSince, to: alert.timestamp)))"))
        }
        if !alert.metadata.labels.isEmpty {
            facts.append(("Labels", alert.metadata.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        if alert.metadata.count > 1 { facts.append(("Count", "\(alert.metadata.count) checks")) }
        if alert.metadata.acknowledged { facts.append(("Acknowledged", "yes")) }
        facts.append(("Alert", alert.alertID))
        let width = facts.map(\.0.count).max()! + 2
        lines += facts.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
        return lines.joined(separator: "\n")
    }
}
