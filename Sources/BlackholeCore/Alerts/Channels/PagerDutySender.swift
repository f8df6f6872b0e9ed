import AsyncHTTPClient
import Foundation

/// PagerDuty's Events API v2: one incident per alert, keyed by a `dedup_key` that stays the same
/// for the alert's whole life (this node, the rule, the series' fingerprint). A firing alert is a
/// `trigger` with a summary, severity, source (this node), component (the service) and the
/// details; an acknowledgement (`alerts ack`) is `acknowledge`, a resolution `resolve`. PagerDuty
/// deduplicates on the key, so a notification sent again changes nothing. A 400 (an event
/// PagerDuty will never take) fails for good with PagerDuty's explanation; 429 and 5xx are tried
/// again like any failure.
public struct PagerDutySender: NotificationSender {
    let routingKey: String
    let url: String
    let titles: AlertTitles
    /// This node: the events' `source`, and part of each dedup key.
    let instance: String
    /// serve's dashboard, when it has a public address.
    let link: String?
    let http: LazyHTTPClient

    public static let enqueueURL = "https://events.pagerduty.com/v2/enqueue"

    init(routingKey: String, url: String, titles: AlertTitles, instance: String, link: String?, http: LazyHTTPClient) {
        self.routingKey = routingKey
        self.url = url
        self.titles = titles
        self.instance = instance
        self.link = link
        self.http = http
    }

    /// Each alert of the notification is one event, in order.
    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        for alert in try AlertPayload.decode(payload) {
            let body = try JSONSerialization.data(withJSONObject: event(alert), options: [.sortedKeys, .withoutEscapingSlashes])
            do {
                try await postJSON(body, to: url, headers: [:], timeout: timeout, http: http, receiver: "PagerDuty")
            } catch let refusal as HTTPRefusal where refusal.status == 400 {
                throw PermanentDeliveryFailure(description: "PagerDuty refused the event (HTTP 400): " + Self.explanation(refusal.body))
            }
        }
    }

    /// `node1/service_down/9f86d081...`: the same for every event of one alert.
    func dedupKey(_ alert: AlertPayload) -> String {
        String("\(instance)/\(alert.ruleID)/\(alert.alertID)".prefix(255))
    }

    func event(_ alert: AlertPayload) -> [String: Any] {
        var event: [String: Any] = ["routing_key": routingKey, "dedup_key": dedupKey(alert)]
        switch alert.state {
        case .resolved:
            event["event_action"] = "resolve"
        case .acknowledged:
            event["event_action"] = "acknowledge"
        case .firing:
            event["event_action"] = "trigger"
            var details: [String: Any] = [
                "rule": alert.ruleID, "rule_name": titles.name(alert), "metric": alert.metadata.metric, "value": alert.metadata.value,
                "labels": alert.metadata.labels, "active_since": TimeText.rfc3339(alert.metadata.activeSince),
                "count": alert.metadata.count, "alert_id": alert.alertID,
            ]
            if !alert.description.isEmpty { details["description"] = alert.description }
            if let channel = alert.fallbackFor { details["fallback_for"] = channel }
            var body: [String: Any] = [
                "summary": String("\(alert.message) (\(instance))".prefix(1024)),
                "severity": Self.severity(alert.severity), "source": instance, "timestamp": TimeText.rfc3339(alert.timestamp),
                "class": alert.metadata.metric, "group": alert.ruleID, "custom_details": details,
            ]
            if !alert.service.isEmpty { body["component"] = alert.service }
            event["payload"] = body
            event["client"] = "blackhole"
            if let link {
                event["client_url"] = link
                event["links"] = [["href": link, "text": "blackhole dashboard on \(instance)"]]
            }
        }
        return event
    }

    /// PagerDuty's severities are critical, error, warning and info; blackhole's three map to the
    /// same names.
    static func severity(_ severity: AlertSeverity) -> String {
        switch severity {
        case .critical: "critical"
        case .warning: "warning"
        case .info: "info"
        }
    }

    /// `Event object is invalid: Length of 'routing_key' is incorrect`: the message and errors
    /// of PagerDuty's answer, or the start of whatever it said.
    static func explanation(_ body: Data) -> String {
        guard let answer = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let message = answer["message"] as? String else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmed()
            return text.isEmpty ? "no explanation" : text
        }
        let errors = answer["errors"] as? [String] ?? []
        return errors.isEmpty ? message : "\(message): \(errors.joined(separator: "; "))"
    }
}
