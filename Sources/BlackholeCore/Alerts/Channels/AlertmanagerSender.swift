import AsyncHTTPClient
import Foundation

/// Alertmanager's API v2: `POST /api/v2/alerts` with the alerts as Alertmanager models them
/// (labels, annotations, `startsAt`, `endsAt` once resolved, `generatorURL`). Every member of the
/// cluster is sent to at once; the notification is delivered when one of them accepted it.
public struct AlertmanagerSender: NotificationSender {
    let urls: [String]
    let headers: [String: String]
    /// This node, as the `instance` label.
    let instance: String
    /// serve's dashboard, when it has a public address.
    let generatorURL: String?
    let http: LazyHTTPClient

    public init(urls: [String], headers: [String: String], instance: String, generatorURL: String?, http: LazyHTTPClient) {
        self.urls = urls
        self.headers = headers
        self.instance = instance
        self.generatorURL = generatorURL
        self.http = http
    }

    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        let body = try JSONSerialization.data(
            withJSONObject: try AlertPayload.decode(payload).map { Self.postable($0, instance: instance, generatorURL: generatorURL) },
            options: [.sortedKeys, .withoutEscapingSlashes])
        let failures = await withTaskGroup(of: String?.self) { group in
            for url in urls {
                group.addTask {
                    let endpoint = (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/v2/alerts"
                    do {
                        try await postJSON(body, to: endpoint, headers: headers, timeout: timeout, http: http, receiver: "Alertmanager")
                        return nil
                    } catch {
                        return "\(url): \(BlackholeError.line(error))"
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
        }
        // A cluster shares what one member heard: one is enough.
        guard failures.count == urls.count else { return }
        throw BlackholeError(.environment, failures.sorted().joined(separator: "; "))
    }

    /// One alert in Alertmanager's `postableAlert` shape. Labels identify it (the same labels on
    /// every run, so Alertmanager keeps one alert): `alertname` is the rule id, then `service`,
    /// `severity`, `instance` and the series' labels.
    static func postable(_ alert: AlertPayload, instance: String, generatorURL: String?) -> [String: Any] {
        var labels = alert.metadata.labels
        labels["alertname"] = alert.ruleID
        labels["severity"] = alert.severity.rawValue
        labels["instance"] = instance
        if !alert.service.isEmpty { labels["service"] = alert.service }
        var annotations = ["summary": alert.message]
        if !alert.description.isEmpty { annotations["description"] = alert.description }
        if alert.metadata.acknowledged { annotations["acknowledged"] = "true" }
        var postable: [String: Any] = [
            "labels": labels, "annotations": annotations, "startsAt": TimeText.rfc3339(alert.metadata.activeSince),
        ]
        if let resolvedAt = alert.resolvedAt { postable["endsAt"] = TimeText.rfc3339(resolvedAt) }
        if let generatorURL { postable["generatorURL"] = generatorURL }
        return postable
    }
}
