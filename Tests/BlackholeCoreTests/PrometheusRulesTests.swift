import Foundation
import Testing
import Yams
@testable import BlackholeCore

/// `alerts rules --format prometheus`: blackhole's rules in PromQL over what `/metrics` exposes.
@Suite struct PrometheusRulesTests {
    let serviceDown = AlertRule(id: "service_down", name: "Service Down", description: "Service is not responding to health checks",
                                metric: "service.health.status", condition: .lt, threshold: 0.5, duration: 30, severity: .critical,
                                labels: ["service": "storage"])

    func expr(_ rule: AlertRule, families: Set<String> = []) -> String? {
        try? PrometheusRules.expression(rule, compositeFamilies: families).get()
    }

    /// The generated file read back as YAML: its one group's rules.
    func rules(_ text: String) throws -> [[String: Any]] {
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(groups.count == 1 && groups[0]["name"] as? String == "blackhole")
        return groups[0]["rules"] as? [[String: Any]] ?? []
    }

    @Test(arguments: [(AlertCondition.gt, ">"), (.lt, "<"), (.eq, "=="), (.ne, "!=")])
    func eachConditionIsItsComparison(condition: AlertCondition, symbol: String) {
        var rule = serviceDown
        rule.condition = condition
        #expect(expr(rule) == "service_health_status{service=\"storage\"} \(symbol) 0.5")
    }

    @Test func aForecastIsPredictLinearAndSaysItIsLeastSquares() throws {
        var rule = AlertRule(id: "disk_fills_soon", name: "Disk fills soon", metric: "system.disk.free_percent", condition: .forecast,
                             threshold: 5, duration: 600, labels: ["path": "/"], window: 6 * 3600, horizon: 4 * 3600)
        let series = #"system_disk_free_percent{path="/"}[6h]"#
        #expect(expr(rule) == "(predict_linear(\(series), 0) > 5 and predict_linear(\(series), 14400) <= 5) "
            + "or (predict_linear(\(series), 0) < 5 and predict_linear(\(series), 14400) >= 5)")
        rule.direction = .down
        #expect(expr(rule) == "predict_linear(\(series), 14400) <= 5")
        rule.direction = .up
        #expect(expr(rule) == "predict_linear(\(series), 14400) >= 5")
        let text = PrometheusRules.file(rules: [rule], staleness: 300, compositeFamilies: [])
        #expect(text.contains("# disk_fills_soon: predict_linear fits least squares; blackhole fits Theil-Sen"), "\(text)")
        let parsed = try rules(text)
        #expect((parsed.first?["annotations"] as? [String: String])?["description"]
            == "system.disk.free_percent trends to 5 within 4h (fitted value in 4h: {{ $value }})")
    }

    @Test func oneAlertingRulePerRuleWithForLabelsAndAnnotations() throws {
        var cpu = AlertRule(id: "high_cpu_usage", name: "High CPU Usage", metric: "system.cpu.usage_percent", condition: .gt,
                            threshold: 80, duration: 150, severity: .warning)
        cpu.labels = [:]
        let text = PrometheusRules.file(rules: [serviceDown, cpu], staleness: 300, compositeFamilies: [])
        let parsed = try rules(text)
        #expect(parsed.count == 2)
        let down = parsed[0]
        #expect(down["alert"] as? String == "service_down")
        #expect(down["expr"] as? String == "service_health_status{service=\"storage\"} < 0.5")
        #expect(down["for"] as? String == "30s")
        #expect(down["labels"] as? [String: String] == ["service": "storage", "severity": "critical"])
        let annotations = try #require(down["annotations"] as? [String: String])
        #expect(annotations["summary"] == "Service Down")
        #expect(annotations["description"] == "Service is not responding to health checks: service.health.status = {{ $value }} (< 0.5)")
        #expect(parsed[1]["expr"] as? String == "system_cpu_usage_percent > 80")
        #expect(parsed[1]["for"] as? String == "2m30s")
        #expect(parsed[1]["labels"] as? [String: String] == ["severity": "warning"])
        #expect(text.contains("alerting.staleness (5m)"))
        #expect(!text.contains("Not expressible"))
    }

    @Test(arguments: [(0.0, "0s"), (0.25, "250ms"), (1.5, "1s500ms"), (90, "1m30s"), (7200, "2h"), (93_784, "1d2h3m4s")])
    func forIsAnExactPrometheusDuration(seconds: Double, text: String) throws {
        #expect(DurationText.exact(seconds) == text)
        #expect(try DurationText.parse(text) == seconds)
    }

    @Test func namesAreCleanedAsMetricsCleansThem() throws {
        let rule = AlertRule(id: "peers", name: "Peers", metric: "9p2p.peers-connected", condition: .lt, threshold: 3,
                             labels: ["peer.region": "eu\\west \"1\"", "__x": "y"])
        #expect(expr(rule) == #"_9p2p_peers_connected{l__x="y",peer_region="eu\\west \"1\""} < 3"#)
        var metrics = PrometheusText()
        metrics.add(stored: [Sample(rule.metric, 2, labels: rule.labels, time: Date())])
        #expect(metrics.render().contains(#"_9p2p_peers_connected{l__x="y",peer_region="eu\\west \"1\""} 2"#))
        let parsed = try rules(PrometheusRules.file(rules: [rule], staleness: 300, compositeFamilies: []))
        #expect(parsed.first?["labels"] as? [String: String] == ["l__x": "y", "peer_region": "eu\\west \"1\"", "severity": "warning"])
    }

    @Test func aSeriesRenamedByAHistogramOfItsNameIsMatchedByBothNames() {
        let rule = AlertRule(id: "slow", name: "Slow", metric: "service.response_time", condition: .gt, threshold: 1000,
                             labels: ["service": "identity"])
        let stored = [Sample("service.response_time.bucket", 3, labels: ["le": "+Inf"], time: Date()),
                      Sample("service.response_time", 12, labels: ["service": "identity"], time: Date())]
        let families = PrometheusText.compositeFamilies(stored)
        #expect(families == ["service_response_time"])
        var metrics = PrometheusText()
        metrics.add(stored: stored)
        #expect(metrics.render().contains("service_response_time_value{service=\"identity\"} 12"))
        #expect(expr(rule, families: families)
            == #"{__name__=~"service_response_time|service_response_time_value",service="identity"} > 1000"#)
        #expect(expr(rule) == #"service_response_time{service="identity"} > 1000"#)
        let text = PrometheusRules.file(rules: [rule], staleness: 300, compositeFamilies: families)
        #expect(text.contains("# slow: a histogram or summary named like service.response_time is exposed too"))
    }

    @Test func whatPromQLCannotSayIsAComment() throws {
        let empty = AlertRule(id: "no_zone", name: "No zone", metric: "queue.depth", condition: .gt, threshold: 5, labels: ["zone": ""])
        let clash = AlertRule(id: "clash", name: "Clash", metric: "queue.depth", condition: .gt, threshold: 5,
                              labels: ["peer.region": "eu", "peer_region": "eu"])
        let text = PrometheusRules.file(rules: [empty, serviceDown, clash], staleness: 300, compositeFamilies: [])
        #expect(try rules(text).map { $0["alert"] as? String } == ["service_down"])
        #expect(text.contains("""
            # Not expressible in PromQL over /metrics, so left out:
            #   no_zone: label "zone" must be empty, and Prometheus does not tell an empty label from a missing one
            #   clash: labels "peer.region" and "peer_region" are both peer_region on /metrics, which keeps only one of them
            """))
    }

    @Test func templatesInTheConfigsTextStayText() throws {
        var rule = serviceDown
        rule.name = "Down {{ now }}"
        rule.labels = ["team": "{{x}}"]
        let parsed = try rules(PrometheusRules.file(rules: [rule], staleness: 300, compositeFamilies: []))
        #expect((parsed[0]["annotations"] as? [String: String])?["summary"] == #"Down {{ "{{" }} now }}"#)
        #expect((parsed[0]["labels"] as? [String: String])?["team"] == #"{{ "{{" }}x}}"#)
    }

    @Test func noRulesIsAnEmptyGroupThatSaysSo() throws {
        let text = PrometheusRules.file(rules: [], staleness: 300, compositeFamilies: [])
        #expect(try rules(text).isEmpty)
        #expect(text.hasSuffix("# No alert rules configured.\n"))
    }
}
