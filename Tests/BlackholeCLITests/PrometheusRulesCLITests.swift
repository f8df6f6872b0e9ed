import Foundation
import Testing
import TestSupport

/// `alerts rules --format prometheus` as a fleet uses it: promtool accepts the file, and a real
/// Prometheus scraping serve's /metrics fires the alert that blackhole fires.
@Suite(.serialized) struct PrometheusRulesCLITests {
    let cli = CLI()

    /// Runs promtool on the file; its exit status and what it said.
    func promtool(_ file: String) throws -> CLI.Result {
        try CLI.program(["promtool", "check", "rules", file])
    }

    @Test func promtoolAcceptsTheStarterRulesAndNamesThatNeedCleaning() throws {
        defer { cli.cleanUp() }
        let starter = cli.path("starter.yaml")
        #expect(try cli.run("config", "init", "--config", starter).status == 0)
        let generated = try cli.run("telemetry", "alerts", "rules", "--format", "prometheus", "--config", starter)
        #expect(generated.status == 0, "\(generated.stderr)")
        let checked = try promtool(cli.write("starter.rules.yml", generated.stdout))
        #expect(checked.status == 0, "promtool: \(checked.stdout)\(checked.stderr)\n\(generated.stdout)")
        #expect(checked.stdout.contains("SUCCESS: 6 rules found"), "\(checked.stdout)")
        // The trace detectors' findings are a series on /metrics like any other.
        #expect(generated.stdout.contains(#"expr: trace_pattern_findings{pattern="cascading_failures"} > 0"#), "\(generated.stdout)")

        let odd = cli.write("odd.yaml", """
            alert_rules:
              - { id: "peers low", name: "Peers {{ low }}", description: 'it''s "low"', metric: 9p2p.peers-connected,
                  condition: lt, threshold: 3, duration: 1m30s, labels: { peer.region: 'eu\\west', __x: y } }
              - { id: no_zone, metric: queue.depth, condition: gt, threshold: 5, labels: { zone: "" } }
            """)
        let oddRules = try cli.run("telemetry", "alerts", "rules", "--format", "prometheus", "--config", odd)
        let oddChecked = try promtool(cli.write("odd.rules.yml", oddRules.stdout))
        #expect(oddChecked.status == 0 && oddChecked.stdout.contains("SUCCESS: 1 rules found"),
                "promtool: \(oddChecked.stdout)\(oddChecked.stderr)\n\(oddRules.stdout)")
        #expect(oddRules.stdout.contains(#"_9p2p_peers_connected{l__x="y",peer_region="eu\\west"} < 3"#), "\(oddRules.stdout)")
        #expect(oddRules.stdout.contains("#   no_zone: label \"zone\" must be empty"))
    }

    @Test func promtoolAcceptsForecastRulesAndAnomaliesAreListedAsLeftOut() throws {
        defer { cli.cleanUp() }
        let config = cli.write("forecast.yaml", """
            alert_rules:
              - { id: disk_fills_soon, metric: system.disk.free_percent, condition: forecast, window: 6h, horizon: 4h,
                  threshold: 5, duration: 10m, labels: { path: / } }
              - { id: memory_climbs, metric: system.memory.usage_percent, condition: forecast, window: 1h30m, horizon: 30m,
                  threshold: 95, direction: up }
              - { id: queue_unusual, metric: app.queue.depth, condition: anomaly, window: 6h }
            """)
        let generated = try cli.run("telemetry", "alerts", "rules", "--format", "prometheus", "--config", config)
        #expect(generated.status == 0, "\(generated.stderr)")
        let checked = try promtool(cli.write("forecast.rules.yml", generated.stdout))
        #expect(checked.status == 0 && checked.stdout.contains("SUCCESS: 2 rules found"),
                "promtool: \(checked.stdout)\(checked.stderr)\n\(generated.stdout)")
        #expect(generated.stdout.contains("expr: predict_linear(system_memory_usage_percent[1h30m], 1800) >= 95"), "\(generated.stdout)")
        #expect(generated.stdout.contains("#   queue_unusual: an anomaly is judged on the window's median and median absolute deviation"))
    }

    @Test func textStaysTheDefaultAndABadFormatIsOneLine() throws {
        defer { cli.cleanUp() }
        let none = try cli.run("telemetry", "alerts", "rules")
        #expect(none.status == 0 && none.stdout.hasPrefix("No alert rules configured"))
        let result = try cli.run("telemetry", "alerts", "rules", "--format", "nonsense")
        expectOneLineError(result, containing: "--format: \"nonsense\" is not one of text, prometheus")
        #expect(result.status == 64)
        expectOneLineError(try cli.run("telemetry", "alerts", "rules", "--format", "prometheus", "--json"), containing: "leave out --json")
    }

    @Test func prometheusFiresTheAlertBlackholeFires() async throws {
        defer { cli.cleanUp() }
        // Nothing listens on port 1: storage is down at the first check. A second rule must stay quiet.
        let config = cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "http://127.0.0.1:1/health", criticality_level: critical, timeout: 1s }
            alert_rules:
              - { id: storage_down, name: Storage Down, metric: service.health.status, condition: lt, threshold: 1,
                  duration: 0s, severity: critical, labels: { service: storage } }
              - { id: impossible_load, name: Impossible Load, metric: system.cpu.load_average_1m, condition: lt,
                  threshold: 0, duration: 0s, severity: warning }
            """)
        let check = try cli.run("telemetry", "check", "--config", config)
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        let generated = try cli.run("telemetry", "alerts", "rules", "--format", "prometheus", "--config", config)
        let rules = cli.write("blackhole.rules.yml", generated.stdout)

        let serving = try ServeCLITests.Serving(cli, ["--config", config, "--no-grpc", "--no-check"])
        defer { _ = serving.stop() }
        let prometheus = try await PrometheusServer(scraping: serving.http, ruleFile: rules)

        var firing: [[String: Any]] = []
        let deadline = Date() + 30
        while Date() < deadline {
            // Refused while Prometheus starts.
            firing = ((try? await prometheus.alerts()) ?? []).filter { $0["state"] as? String == "firing" }
            if !firing.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        try #require(!firing.isEmpty, "no alert firing in Prometheus after 30 s; rules:\n\(generated.stdout)\nlog:\n\(prometheus.log.suffix(3000))")
        #expect(firing.count == 1, "\(firing)")
        let labels = try #require(firing.first?["labels"] as? [String: String])
        #expect(labels["alertname"] == "storage_down")
        #expect(labels["service"] == "storage" && labels["criticality"] == "critical" && labels["severity"] == "critical")
        #expect(labels["job"] == "blackhole" && labels["instance"] == serving.http)
        #expect((firing.first?["annotations"] as? [String: String])?["summary"] == "Storage Down")

        let blackhole = try cli.run("telemetry", "alerts", "list", "--config", config, "--json")
        let alert = try #require((blackhole.json["alerts"] as? [[String: Any]])?.first)
        #expect(alert["rule_id"] as? String == labels["alertname"] && alert["state"] as? String == "firing")
    }
}
