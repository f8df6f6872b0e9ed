import Foundation

/// Alert state for Prometheus to scrape, beside the stored series: every pending and firing
/// alert as `blackhole_alerts{alertname,alertstate,severity,...} 1` (the shape of Prometheus's
/// own `ALERTS` series, so the same dashboards and queries work), how delivery runs ended per
/// channel, and what waits in the outbox.
public enum AlertExposition {
    public static func add(into text: inout PrometheusText, active: [ActiveAlert],
                           deliveries: [(channel: String, result: AlertStore.DeliveryResult, count: Int)], outboxPending: Int) {
        for alert in active {
            var labels = alert.labels
            labels["alertname"] = alert.ruleID
            labels["alertstate"] = alert.phase.rawValue
            labels["severity"] = alert.severity.rawValue
            text.add("blackhole_alerts", kind: .gauge, help: "Alerts pending or firing, one series each (like Prometheus's ALERTS)",
                     labels: labels, value: 1)
        }
        for delivery in deliveries {
            text.add("blackhole_alert_notifications_total", kind: .counter,
                     help: "Notifications handled by delivery runs, by channel and result (delivered, failed, expired)",
                     labels: ["channel": delivery.channel, "result": delivery.result.rawValue], value: Double(delivery.count))
        }
        text.add("blackhole_outbox_pending", kind: .gauge, help: "Notifications waiting in the outbox for a later run",
                 value: Double(outboxPending))
    }
}
