import Foundation
import Testing
import TestSupport

/// `dashboards/grafana/blackhole.json` as Grafana imports it, and every query of its panels and
/// variables answered by a real Prometheus scraping a real `serve` that has data in each family
/// the panels show. No Grafana here (Debian has none): its JSON is checked for the structure an
/// import needs.
@Suite(.serialized) struct GrafanaDashboardTests {
    let cli = CLI()

    static let path = CLI.packageRoot + "/dashboards/grafana/blackhole.json"
    /// How Grafana's export names the datasource an import asks for.
    static let datasource = "${DS_PROMETHEUS}"

    struct Target {
        let panel: String
        let refId: String
        let expr: String
        let legend: String
    }

    static func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path) is not a JSON object")
    }

    /// Every panel, those kept inside collapsed rows included.
    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] {
        let top = dashboard["panels"] as? [[String: Any]] ?? []
        return top + top.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
    }

    static func targets(_ dashboard: [String: Any]) -> [Target] {
        panels(dashboard).flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).map {
                Target(panel: panel["title"] as? String ?? "?", refId: $0["refId"] as? String ?? "?", expr: $0["expr"] as? String ?? "",
                       legend: $0["legendFormat"] as? String ?? "")
            }
        }
    }

    /// Every `"datasource": {...}` object anywhere in the JSON.
    static func datasources(in value: Any) -> [[String: Any]] {
        if let object = value as? [String: Any] {
            let own = (object["datasource"] as? [String: Any]).map { [$0] } ?? []
            return own + object.values.flatMap { datasources(in: $0) }
        }
        return (value as? [Any])?.flatMap { datasources(in: $0) } ?? []
    }

    @Test func importsWithAPrometheusDatasourceAndPanelsOnTheGrid() throws {
        let dashboard = try Self.dashboard()
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs.first?["name"] as? String == "DS_PROMETHEUS" && inputs.first?["type"] as? String == "datasource"
                && inputs.first?["pluginId"] as? String == "prometheus", "\(inputs)")
        // Grafana 10 writes schema 38 and later; older ones migrate it, newer ones read it.
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 38)
        #expect(!(dashboard["uid"] as? String ?? "").isEmpty && !(dashboard["title"] as? String ?? "").isEmpty)

        // No datasource but the one the import asks for (and Grafana's own built-in annotations):
        // a uid of some other Grafana would leave panels without data after an import.
        for source in Self.datasources(in: dashboard) {
            let uid = source["uid"] as? String
            #expect(uid == Self.datasource && source["type"] as? String == "prometheus" || uid == "-- Grafana --", "\(source)")
        }

        let panels = Self.panels(dashboard)
        let required = Set((dashboard["__requires"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "panel" }.compactMap { $0["id"] as? String })
        #expect(Set(panels.compactMap { $0["type"] as? String }).subtracting(["row"]) == required, "__requires names every panel type used")
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel has its own id")

        var cells: [String: String] = [:]
        for panel in panels {
            let title = panel["title"] as? String ?? ""
            let kind = try #require(panel["type"] as? String, "\(title): type")
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(title): gridPos")
            let (x, y, w, h) = (grid["x"] ?? -1, grid["y"] ?? -1, grid["w"] ?? 0, grid["h"] ?? 0)
            #expect(!title.isEmpty && x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, "\(title): \(grid)")
            // Two panels on one cell of the grid would be pushed around by Grafana.
            for column in x..<min(x + w, 24) {
                for row in y..<(y + h) {
                    if let other = cells.updateValue(title, forKey: "\(column),\(row)") { Issue.record("\(title) overlaps \(other)") }
                }
            }
            if kind == "row" {
                #expect(w == 24 && h == 1 && panel["targets"] == nil, "\(title)")
                continue
            }
            #expect(!(panel["description"] as? String ?? "").isEmpty, "\(title): a description for whoever wonders what it shows")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title): targets")
            #expect(!targets.isEmpty, "\(title)")
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == Self.datasource, "\(title)")
            let refIds = targets.compactMap { $0["refId"] as? String }
            #expect(refIds.count == targets.count && Set(refIds).count == refIds.count, "\(title): refIds \(refIds)")
            for target in targets {
                #expect(!(target["expr"] as? String ?? "").isEmpty, "\(title): expr")
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == Self.datasource, "\(title)")
            }
        }

        let variables = try #require((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        #expect(Set(variables.compactMap { $0["name"] as? String }) == ["instance", "service"])
        for variable in variables {
            #expect((variable["datasource"] as? [String: Any])?["uid"] as? String == Self.datasource)
            #expect(variable["allValue"] as? String == ".*", "All is every value, the series without the label too")
        }
    }

    /// A config for one node with data in every family the dashboard shows: a service that is
    /// down (health, probe time), a rule that fires on it and a channel that delivers
    /// (alerts, notifications, outbox), a bootstrap peer (peers reachable: none).
    func nodeConfig() -> String {
        cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "http://127.0.0.1:1/health", criticality_level: critical, timeout: 1s }
            p2p:
              bootstrap: ["/ip4/127.0.0.1/tcp/1"]
            alert_rules:
              - { id: storage_down, name: Storage Down, metric: service.health.status, condition: lt, threshold: 1,
                  duration: 0s, severity: critical, labels: { service: storage }, notification_channels: [file] }
            notification_channels:
              - { name: file, type: log, config: { path: "\(cli.path("alerts.log"))" } }
            """)
    }

    @Test func everyQueryAnswersWithSeriesOfARealNode() async throws {
        defer { cli.cleanUp() }
        let dashboard = try Self.dashboard()
        let config = nodeConfig()
        let check = try cli.run("telemetry", "check", "--config", config)
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")

        // serve as on a node of a fleet: its spans forwarded to an upstream OTLP receiver (here
        // another serve, where a fleet has its Collector), so the forwarding series move too.
        let upstream = try ServeCLITests.Serving(cli, ["--db", cli.path("upstream.db"), "--no-grpc", "--no-check"])
        defer { _ = upstream.stop() }
        let serving = try ServeCLITests.Serving(cli, ["--config", config, "--no-grpc", "--no-check", "--forward-otlp", "http://" + upstream.http])
        defer { _ = serving.stop() }
        let prometheus = try await PrometheusServer(scraping: serving.http)

        // Spans and a service's own response-time histogram, exported twice by the OpenTelemetry
        // SDK, the second time after more requests and once Prometheus has scraped the first:
        // counters and buckets grow between scrapes, so rate() and histogram_quantile() have
        // something to say.
        func export(rounds: Int) throws {
            let exported = try CLI.program(["python3", Fixtures.path("otel_export.py"), "--protocol", "http",
                                            "--endpoint", "http://" + serving.http, "--rounds", "\(rounds)"])
            #expect(exported.status == 0, "\(exported.stderr)")
        }
        try export(rounds: 1)
        let scraped = Date() + 20
        while Date() < scraped, (try? await prometheus.query("service_response_time_count").get())?.isEmpty != false {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(1))
        try export(rounds: 2)

        // Grafana fills in the variables; the node's own instance stands in for a choice of
        // nodes, `.*` for All services. Rates over 15 s: fifteen scrapes, both exports inside.
        let instance = serving.http
        func resolved(_ query: String) -> String {
            query.replacingOccurrences(of: "$__rate_interval", with: "15s").replacingOccurrences(of: "$instance", with: instance)
                .replacingOccurrences(of: "$service", with: ".*")
        }

        let targets = Self.targets(dashboard)
        #expect(targets.count >= 20, "\(targets.count) queries")
        var unanswered = Dictionary(uniqueKeysWithValues: targets.map { ("\($0.panel) \($0.refId)", $0) })
        var lastAnswer: [String: String] = [:]
        let deadline = Date() + 40
        while !unanswered.isEmpty && Date() < deadline {
            for (key, target) in unanswered {
                let query = resolved(target.expr)
                guard !query.contains("$") else {
                    Issue.record("\(key): a variable the test does not know: \(target.expr)")
                    unanswered[key] = nil
                    continue
                }
                switch try? await prometheus.query(query) {
                case .failure(let error)?:
                    // A query that does not parse will not start to.
                    Issue.record("\(key): \(query): \(error)")
                    unanswered[key] = nil
                case .success(let series)?:
                    lastAnswer[key] = "\(series)"
                    // A series of this node with a number: NaN (a quantile of nothing) draws nothing.
                    let finite = series.contains { ($0["value"] as? [Any])?.last.flatMap { Double("\($0)") }?.isFinite == true }
                    guard finite else { continue }
                    unanswered[key] = nil
                    for labels in series.compactMap({ $0["metric"] as? [String: String] }) {
                        #expect(labels["instance"] == instance, "\(key): every series names its node: \(labels)")
                        // The legend's {{label}}s are labels the series carry.
                        for name in Self.legendLabels(target.legend) {
                            #expect(labels[name] != nil, "\(key): legend \(target.legend) names \(name), not in \(labels)")
                        }
                    }
                case nil:
                    continue  // refused while Prometheus starts
                }
            }
            if !unanswered.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        for key in unanswered.keys.sorted() {
            Issue.record("\(key): no series with a value in 40 s: \(resolved(unanswered[key]!.expr)) answered \(lastAnswer[key] ?? "nothing")")
        }
        if !unanswered.isEmpty { Issue.record("Prometheus log:\n\(prometheus.log.suffix(2000))") }

        // The variables' choices: label_values(SELECTOR, LABEL) as Grafana asks Prometheus for it.
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let expected = ["instance": instance, "service": "storage"]
        for variable in variables {
            let name = variable["name"] as? String ?? "?"
            let definition = (variable["query"] as? [String: Any])?["query"] as? String ?? ""
            let parts = try #require(definition.wholeMatch(of: /label_values\((.+),\s*(\w+)\)/), "\(name): \(definition)")
            let values = try await prometheus.labelValues(String(parts.2), match: resolved(String(parts.1))).get()
            #expect(values.contains(expected[name] ?? "?"), "\(name): \(definition) offers \(values)")
        }
    }

    /// The `{{name}}`s of a legend format.
    static func legendLabels(_ legend: String) -> [String] {
        legend.matches(of: /\{\{\s*(\w+)\s*\}\}/).map { String($0.1) }
    }
}
