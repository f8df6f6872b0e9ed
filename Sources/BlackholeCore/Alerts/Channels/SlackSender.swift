import AsyncHTTPClient
import Foundation

/// A Slack incoming webhook: `text` (what the notification and the channel list show, the same
/// line as a mail's subject) and Block Kit `blocks`, per alert a header with its state, severity,
/// rule and service, its message, and fields for severity, service, value and since when (a
/// Slack date, shown in each reader's time zone). Resolutions alike. A grouped notification is
/// one message.
public struct SlackSender: NotificationSender {
    let url: String
    let titles: AlertTitles
    /// This node, as notifications name it (`alerting.instance`).
    let instance: String
    /// serve's dashboard, when it has a public address.
    let link: String?
    let http: LazyHTTPClient

    /// Slack takes at most 50 blocks a message: alerts past this are counted, not shown.
    static let alertsShown = 15

    init(url: String, titles: AlertTitles, instance: String, link: String?, http: LazyHTTPClient) {
        self.url = url
        self.titles = titles
        self.instance = instance
        self.link = link
        self.http = http
    }

    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        let body = try JSONSerialization.data(withJSONObject: message(try AlertPayload.decode(payload)),
                                              options: [.sortedKeys, .withoutEscapingSlashes])
        do {
            try await postJSON(body, to: url, headers: [:], timeout: timeout, http: http, receiver: "Slack")
        } catch let refusal as HTTPRefusal {
            // Slack says why in a word: invalid_payload, channel_not_found, no_service.
            let reason = String(decoding: refusal.body.prefix(200), as: UTF8.self).trimmed()
            throw BlackholeError(.environment, "\(refusal)" + (reason.isEmpty ? "" : ": \(reason)"))
        }
    }

    func message(_ alerts: [AlertPayload]) -> [String: Any] {
        var blocks: [[String: Any]] = []
        for alert in alerts.prefix(Self.alertsShown) {
            let service = alert.service.isEmpty ? "" : ": \(alert.service)"
            let header = "[\(AlertTitles.tag([alert]))] \(titles.name(alert))\(service)"
            blocks.append(["type": "header", "text": ["type": "plain_text", "text": String(header.prefix(150))]])
            var fields = [field("Severity", alert.severity.rawValue), field("Service", alert.service.isEmpty ? "-" : Self.escaped(alert.service)),
                          field("Value", NumberText.format(alert.metadata.value)),
                          field("Since", Self.date(alert.metadata.activeSince))]
            if let resolvedAt = alert.resolvedAt {
                fields.append(field("Resolved", Self.date(resolvedAt)
                                    + " (after \(AlertTitles.duration(from: alert.metadata.activeSince, to: resolvedAt)))"))
            }
            var text = Self.escaped(alert.message)
            if !alert.description.isEmpty { text += "\n" + Self.escaped(alert.description) }
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": String(text.prefix(3000))], "fields": fields])
        }
        var context = "blackhole on \(Self.escaped(instance))"
        if alerts.count > Self.alertsShown { context += " · \(alerts.count - Self.alertsShown) more alerts not shown" }
        if let link { context += " · <\(link)|dashboard>" }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": context]]])
        return ["text": titles.title(alerts, length: 120), "blocks": blocks]
    }

    private func field(_ name: String, _ value: String) -> [String: Any] {
        ["type": "mrkdwn", "text": "*\(name)*\n\(value)"]
    }

    /// `<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13:20 UTC>`: each reader's own
    /// time, with UTC for clients that cannot show it.
    static func date(_ date: Date) -> String {
        "<!date^\(Int(date.timeIntervalSince1970))^{date_short_pretty} {time}|\(TimeText.human(date, utc: true))>"
    }

    /// Text as Slack's mrkdwn wants it: `&`, `<` and `>` escaped, so nothing turns into a link
    /// or a mention.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
