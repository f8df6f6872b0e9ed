import Foundation
import Testing
import TestSupport

/// `forecast` and `anomaly` rules end to end: six hours of past samples posted to `serve` as
/// OTLP/JSON gauges, then `telemetry check` judges them from the stored history.
@Suite(.serialized) struct PredictiveAlertsCLITests {
    let cli = CLI()

    /// One gauge of 72 points, every 5 minutes up to 10 seconds ago, valued `value(index)` (0 the oldest).
    func gauge(_ name: String, labels: [String: String], end: Date, _ value: (Int) -> Double) -> String {
        let attributes = labels.map { #"{"key":"\#($0.key)","value":{"stringValue":"\#($0.value)"}}"# }.joined(separator: ",")
        let points = (0..<72).map { index in
            let time = end.addingTimeInterval(Double(index - 71) * 300)
            return #"{"timeUnixNano":"\#(UInt64(time.timeIntervalSince1970 * 1e9))","asDouble":\#(value(index)),"attributes":[\#(attributes)]}"#
        }
        return #"{"name":"\#(name)","gauge":{"dataPoints":[\#(points.joined(separator: ","))]}}"#
    }

    @Test func checkJudgesTheHistoryServeStored() async throws {
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", """
            alert_rules:
              - { id: disk_fills_soon, metric: app.disk.free_percent, condition: forecast, window: 6h, horizon: 6h,
                  threshold: 5, duration: 0s }
              - { id: queue_unusual, metric: app.queue.depth, condition: anomaly, window: 6h, duration: 0s }
            """)
        let serving = try ServeCLITests.Serving(cli, ["--config", config, "--no-grpc", "--no-check"])
        defer { _ = serving.stop() }
        let end = Date() - 10
        // Deterministic noise of about 2 either way.
        let noise: (Int) -> Double = { index in 2 * sin(Double(index) * 1.7) }
        let metrics = [
            // From 20 down to about 11 now, 1.5 a hour: 5 in about 4h.
            gauge("app.disk.free_percent", labels: ["path": "/data"], end: end) { 20 - 1.5 * Double($0) / 12 + noise($0) / 4 },
            gauge("app.disk.free_percent", labels: ["path": "/srv"], end: end) { 40 + noise($0) },
            // Up from 50 to 80 for the last 25 minutes.
            gauge("app.queue.depth", labels: ["queue": "shifted"], end: end) { ($0 >= 67 ? 80 : 50) + noise($0) },
            gauge("app.queue.depth", labels: ["queue": "steady"], end: end) { 50 + noise($0) },
        ]
        let body = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[\#(metrics.joined(separator: ","))]}]}]}"#
        let posted = try await HTTPAnswer.fetch(serving.url("/v1/metrics"), method: "POST", body: Data(body.utf8),
                                                headers: ["Content-Type": "application/json"])
        #expect(posted.status == 200, "\(posted.text)")

        // Stored at their own times, not at the time they arrived.
        let stored = try cli.run("telemetry", "metrics", "app.queue.depth", "--since", "7h", "--config", config, "--json")
        let series = try #require(stored.json["series"] as? [[String: Any]])
        #expect(series.map { $0["count"] as? Int } == [72, 72], "\(stored.stdout)")
        let firstTime = try #require((series.first?["points"] as? [[String: Any]])?.first?["time"] as? String)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let first = try #require(formatter.date(from: firstTime))
        #expect(abs(first.timeIntervalSince(end - 71 * 300)) < 1)

        let check = try cli.run("telemetry", "check", "--config", config, "--json")
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        let alerts = try #require(check.json["alerts"] as? [[String: Any]])
        let active = alerts.map { "\($0["rule_id"] as? String ?? "?") \(($0["labels"] as? [String: String])?.values.sorted() ?? [])" }
        #expect(active.sorted() == ["disk_fills_soon [\"/data\"]", "queue_unusual [\"shifted\"]"], "\(check.stdout)")
        let disk = try #require(alerts.first { $0["rule_id"] as? String == "disk_fills_soon" })
        let message = disk["message"] as? String ?? ""
        #expect(message.contains(#"app.disk.free_percent{path="/data"} reaches 5 in about 4h"#), "\(message)")
        let seconds = disk["value"] as? Double ?? 0
        #expect(abs(seconds - 4 * 3600) < 1800, "\(seconds)")
        let queue = try #require(alerts.first { $0["rule_id"] as? String == "queue_unusual" })
        #expect((queue["message"] as? String ?? "").contains("above its normal range"), "\(queue)")

        // The same trend, asked for by hand.
        let forecast = try cli.run("telemetry", "metrics", "app.disk.free_percent", "--since", "7h", "--forecast", "6h", "--config", config, "--json")
        #expect(forecast.status == 0, "\(forecast.stderr)")
        let trends = try #require(forecast.json["series"] as? [[String: Any]])
        #expect(trends.map { ($0["labels"] as? [String: String])?["path"] } == ["/data", "/srv"])
        #expect(abs((trends[0]["slope_per_hour"] as? Double ?? 0) + 1.5) < 0.1, "\(forecast.stdout)")
        #expect(abs((trends[0]["expected"] as? Double ?? 0) - 2.1) < 0.5, "\(forecast.stdout)")
        let crossings = trends.map { ($0["crossings"] as? [[String: Any]])?.first }
        #expect(crossings.map { $0?["rule_id"] as? String } == ["disk_fills_soon", "disk_fills_soon"])
        #expect(crossings[0]?["crosses_at"] is String && crossings[1]?["crosses_at"] is NSNull, "\(forecast.stdout)")
        let text = try cli.run("telemetry", "metrics", "app.disk.free_percent", "--since", "7h", "--forecast", "6h", "--config", config)
        #expect(text.stdout.contains("HISTORY│FORECAST") && text.stdout.contains("-1.5/h"), "\(text.stdout)")
        #expect(text.stdout.contains(#"app.disk.free_percent{path="/data"}: disk_fills_soon threshold 5: in about 4h"#), "\(text.stdout)")
        #expect(text.stdout.contains(#"app.disk.free_percent{path="/srv"}: disk_fills_soon threshold 5: not within 6h"#), "\(text.stdout)")
        expectOneLineError(try cli.run("telemetry", "metrics", "--forecast", "6h", "--config", config), containing: "--forecast needs a metric NAME")
    }
}
