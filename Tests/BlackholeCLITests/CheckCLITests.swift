import Foundation
import Testing
import TestSupport

/// `telemetry check` as cron runs it: the real binary, a real service and a real webhook receiver.
@Suite(.serialized) struct CheckCLITests {
    let server: FixtureServer
    let cli: CLI

    init() throws {
        server = try FixtureServer()
        cli = CLI()
    }

    /// A node with one critical service behind `/toggle`, the starter config's service_down rule
    /// (firing at once here) and a webhook channel.
    func writeConfig(extraServices: String = "", webhookPath: String = "/webhook", extraChannels: String = "") -> String {
        cli.write("config.yaml", """
            health:
              services:
                identity: { health_endpoint: "\(server.url("/toggle"))", criticality_level: critical, timeout: 1s }
            \(extraServices)
            alert_rules:
              - id: service_down
                name: Service Down
                description: Service is not responding to health checks
                metric: service.health.status
                condition: lt
                threshold: 0.5
                duration: 0s
                severity: critical
                notification_channels: [hook]
            notification_channels:
              - { name: hook, type: webhook, config: { url: "\(server.url(webhookPath))", timeout: 2s } }
            \(extraChannels)
            """)
    }

    func check(_ config: String, _ extra: String...) throws -> CLI.Result {
        try cli.run(["telemetry", "check", "--config", config] + extra)
    }

    @Test func oneOutageIsOneFiringAndOneResolvedNotification() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig()
        #expect(try check(config).status == 0)
        try await server.setMode("error")
        let down = try check(config)
        #expect(down.status == 2, "\(down.stdout)\(down.stderr)")
        #expect(down.stdout.hasPrefix("CRITICAL: 1 alert firing (service_down{service=\"identity\"}); identity unhealthy"))
        for _ in 0..<3 {
            #expect(try check(config).status == 2)
        }
        try await server.setMode("healthy")
        #expect(try check(config).status == 0)
        #expect(try check(config).status == 0)

        let received = try await server.received()
        #expect(received.map { $0["state"] as? String } == ["firing", "resolved"])
        #expect(received[0]["alert_id"] as? String == received[1]["alert_id"] as? String)
        #expect(received[0]["service"] as? String == "identity" && received[0]["severity"] as? String == "critical")
        #expect((received[0]["metadata"] as? [String: Any])?["count"] as? Int == 1)

        let history = try cli.run("telemetry", "alerts", "history", "--config", config, "--json")
        #expect((history.json["events"] as? [[String: Any]])?.compactMap { $0["event"] as? String } == ["firing", "resolved"])
    }

    @Test func aReceiverDownDuringTheOutageGetsItOnTheNextRun() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig()
        try await server.setMode("error")
        try await server.setWebhook("down")
        let first = try check(config, "--json")
        #expect(first.status == 2)
        let notifications = first.json["notifications"] as? [String: Any]
        #expect(notifications?["delivered"] as? Int == 0 && notifications?["waiting"] as? Int == 1)
        #expect(try await server.received().isEmpty)

        try await server.setWebhook("up")
        let second = try check(config, "--json")
        #expect((second.json["notifications"] as? [String: Any])?["delivered"] as? Int == 1)
        _ = try check(config)
        let received = try await server.received()
        #expect(received.count == 1 && received.first?["state"] as? String == "firing")
    }

    /// A receiver that takes the connection and never answers costs a run no more than
    /// `alerting.check_budget`, whatever the channel's own timeout; the notification waits.
    @Test func aSilentReceiverCostsNoMoreThanTheBudget() async throws {
        defer { cli.cleanUp() }
        let silent = try BusyPort()
        defer { silent.close() }
        let config = cli.write("config.yaml", """
            health:
              services:
                identity: { health_endpoint: "\(server.url("/toggle"))", timeout: 1s }
            alerting: { check_budget: 2s }
            alert_rules:
              - { id: down, metric: service.health.status, condition: lt, threshold: 0.5, duration: 0s, notification_channels: [hook] }
            notification_channels:
              - { name: hook, type: webhook, config: { url: "http://127.0.0.1:\(silent.port)/hook", timeout: 30s } }
            """)
        try await server.setMode("error")
        let started = ContinuousClock.now
        let run = try check(config, "--json")
        let elapsed = ContinuousClock.now - started
        #expect(run.status == 1, "a warning fires: \(run.stderr)")
        #expect(elapsed < .milliseconds(3500), "a 2s budget took \(elapsed)")
        #expect((run.json["notifications"] as? [String: Any])?["waiting"] as? Int == 1, "\(run.stdout)")
    }

    @Test func cronAndServeSideBySideNotifyOnce() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig(extraServices: "  check_interval: 300ms")
        try await server.setMode("error")
        let serving = try ServeCLITests.Serving(cli, ["--config", config, "--no-grpc"])
        let runs = try (0..<3).map { _ in try cli.start(["telemetry", "check", "--config", config, "-q"]) }
        for run in runs { #expect(CLI.finish(run.0, run.1, run.2).status == 2) }
        try await Task.sleep(for: .seconds(1))  // serve's own loop runs three more times
        #expect(serving.stop().status == 0)
        let received = try await server.received()
        #expect(received.count == 1 && received.first?["state"] as? String == "firing", "\(received)")
    }

    @Test func overlappingRunsNeitherFailNorNotifyTwice() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig()
        try await server.setMode("error")
        let runs = try (0..<4).map { _ in try cli.start(["telemetry", "check", "--config", config, "-q"]) }
        let results = runs.map { CLI.finish($0.0, $0.1, $0.2) }
        for result in results {
            #expect(result.status == 2, "\(result.stderr)")
            #expect(!result.stderr.contains("locked"))
        }
        let received = try await server.received()
        #expect(received.count == 1, "\(received)")
    }

    @Test func nagiosOutputAndExitCodes() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig(extraServices: """
                cache: { health_endpoint: "\(server.url("/degraded"))", criticality_level: optional }
            """.replacingOccurrences(of: "    cache", with: "    cache"))
        let warning = try check(config, "--nagios")
        #expect(warning.status == 1, "\(warning.stdout)\(warning.stderr)")
        let line = warning.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("BLACKHOLE WARNING - cache degraded | 'cpu'="), "\(line)")
        #expect(line.contains("'cache status'=0.50;;0.5:"), "\(line)")
        #expect(line.range(of: #"'memory'=[0-9.]+%;;;0;100 "#, options: .regularExpression) != nil, "\(line)")
        #expect(line.contains("'identity status'=1;;0.5: "), "\(line)")
        #expect(!line.contains("\n"))

        try await server.setMode("error")
        let critical = try check(config, "--nagios")
        #expect(critical.status == 2 && critical.stdout.hasPrefix("BLACKHOLE CRITICAL - 1 alert firing"))

        let broken = cli.write("broken.yaml", "health: [\n")
        let unknown = try check(broken, "--nagios")
        #expect(unknown.status == 3)
        #expect(unknown.stdout.hasPrefix("BLACKHOLE UNKNOWN - \(broken):2:1: invalid YAML"))
        let folder = cli.path("adir")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let badDB = try cli.run("telemetry", "check", "--config", config, "--db", folder)
        #expect(badDB.status == 3 && badDB.stderr == "blackhole: database \(folder): is a directory, not a file\n")
    }

    /// The thresholds as Debian's Monitoring::Plugin reads them: each range alerts where the rule holds.
    @Test func nagiosPerfdataCarriesTheRulesThresholds() async throws {
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", """
            health:
              services:
                identity: { health_endpoint: "\(server.url("/toggle"))", criticality_level: critical }
                cache: { health_endpoint: "\(server.url("/healthy"))", criticality_level: optional }
            alert_rules:
              - { id: down, metric: service.health.status, condition: lt, threshold: 0.5, severity: critical }
              - { id: cpu_warning, metric: system.cpu.usage_percent, condition: gt, threshold: 80, severity: warning }
              - { id: cpu_critical, metric: system.cpu.usage_percent, condition: gt, threshold: 95, severity: critical }
              - { id: slow_identity, metric: service.response_time, condition: gt, threshold: 1000, labels: { service: identity } }
            """)
        let line = try check(config, "--nagios").stdout
        let probes: [Double] = [0, 0.4, 0.5, 1, 80, 81, 96, 1000, 1001]
        let parsed = try CLI.program(["perl", Fixtures.path("perfdata.pl")] + probes.map { "\($0)" }, input: line)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        var values: [String: [String: Any]] = [:]
        for text in parsed.stdout.split(separator: "\n") {
            let value = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            values[value["label"] as? String ?? ""] = value
        }
        #expect(values.count == line.components(separatedBy: "'=").count - 1, "every value is read: \(line)\n\(parsed.stdout)")

        func expect(_ label: String, _ kind: String, _ range: String?, alertsWhere holds: (Double) -> Bool = { _ in false },
                    sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(values[label]?[kind] as? String == range, "\(label) \(kind) in \(line)", sourceLocation: sourceLocation)
            guard range != nil else { return }
            #expect(values[label]?[kind + "_alerts"] as? [Bool] == probes.map(holds), "\(label) \(kind)", sourceLocation: sourceLocation)
        }
        expect("cpu", "warning", "80", alertsWhere: { $0 > 80 })
        expect("cpu", "critical", "95", alertsWhere: { $0 > 95 })
        #expect(values["cpu"]?["uom"] as? String == "%" && values["cpu"]?["min"] as? String == "0" && values["cpu"]?["max"] as? String == "100")
        expect("identity status", "critical", "0.5:", alertsWhere: { $0 < 0.5 })
        expect("identity status", "warning", nil)
        expect("cache status", "critical", "0.5:", alertsWhere: { $0 < 0.5 })
        expect("identity response", "warning", "~:1000", alertsWhere: { $0 > 1000 })
        #expect(values["identity response"]?["uom"] as? String == "ms")
        expect("cache response", "warning", nil)
        expect("load1", "warning", nil)
        expect("memory", "critical", nil)
    }

    @Test func jsonShapeForScripts() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig(extraServices: """
                api: { health_endpoint: "\(server.url("/healthy"))", dependencies: [identity] }
            """)
        try await server.setMode("error")
        let result = try check(config, "--json")
        let json = result.json
        #expect(json["status"] as? String == "CRITICAL")
        let services = try #require(json["services"] as? [[String: Any]])
        let api = try #require(services.first { $0["name"] as? String == "api" })
        for key in ["name", "status", "response_time_ms", "error_count", "last_seen", "dependencies", "probable_root_cause"] {
            #expect(api[key] != nil, "services[].\(key)")
        }
        #expect(api["dependencies"] as? [String: String] == ["identity": "unhealthy"])
        #expect(api["probable_root_cause"] as? String == "identity")
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1 && alerts[0]["state"] as? String == "firing" && alerts[0]["rule_id"] as? String == "service_down")
        #expect((json["resources"] as? [String: Any])?["memory"] != nil)
        #expect(json["duration_ms"] as? Double != nil)
    }

    @Test func healthShowsTheLastRunWithoutProbing() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig()
        _ = try check(config)
        try await server.setMode("error")
        let recorded = try cli.run("telemetry", "health", "--config", config, "--json")
        #expect((recorded.json["services"] as? [[String: Any]])?.first?["status"] as? String == "healthy")
        let probed = try cli.run("telemetry", "health", "--config", config, "--probe", "--json")
        #expect((probed.json["services"] as? [[String: Any]])?.first?["status"] as? String == "unhealthy")
        let text = try cli.run("telemetry", "health", "--config", config)
        #expect(text.stdout.contains("identity *") && text.stdout.contains("unhealthy") && text.stdout.contains("HTTP 500"))
    }

    @Test func alertsCommands() async throws {
        defer { cli.cleanUp() }
        let config = writeConfig(extraChannels: """
              - { name: dead, type: webhook, config: { url: "http://127.0.0.1:1/hook", timeout: 1s } }
            """)
        #expect(try cli.run("telemetry", "alerts", "--config", config).stdout == "No alerts firing or pending.\n")
        try await server.setMode("error")
        _ = try check(config)

        let list = try cli.run("telemetry", "alerts", "list", "--config", config, "--json")
        let alert = try #require((list.json["alerts"] as? [[String: Any]])?.first)
        let id = try #require(alert["id"] as? String)
        #expect(alert["severity"] as? String == "critical" && alert["labels"] as? [String: String] != nil)

        let rules = try cli.run("telemetry", "alerts", "rules", "--config", config, "--json")
        let rule = try #require((rules.json["rules"] as? [[String: Any]])?.first)
        #expect((rule["series"] as? [[String: Any]])?.first?["state"] as? String == "firing")

        let ack = try cli.run("telemetry", "alerts", "ack", String(id.prefix(6)), "--config", config)
        #expect(ack.status == 0 && ack.stdout.hasPrefix("Acknowledged \(id)"))
        expectOneLineError(try cli.run("telemetry", "alerts", "ack", "ffffffffff", "--config", config), containing: "no active alert")

        let silence = try cli.run("telemetry", "alerts", "silence", "--rule", "service_down", "--for", "1h", "--comment", "deploy",
                                  "--config", config, "--json")
        let silenceID = try #require((silence.json["silences"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try cli.run("telemetry", "alerts", "silence", "--list", "--config", config).stdout.contains("deploy"))
        expectOneLineError(try cli.run("telemetry", "alerts", "silence", "--rule", "nope", "--for", "1h", "--comment", "x",
                                       "--config", config), containing: "no rule \"nope\"; rules: service_down")
        #expect(try cli.run("telemetry", "alerts", "unsilence", silenceID, "--config", config).status == 0)
        #expect(try cli.run("telemetry", "alerts", "silence", "--list", "--config", config).stdout == "No active silences.\n")

        let test = try cli.run("telemetry", "alerts", "test", "--channel", "hook", "--config", config)
        #expect(test.status == 0 && test.stdout.hasPrefix("Delivered a test notification to hook (webhook, \(server.url("/webhook"))) in "), "\(test.stdout)")
        #expect(try await server.received().last?["rule_id"] as? String == "blackhole_test")
        expectOneLineError(try cli.run("telemetry", "alerts", "test", "--channel", "dead", "--config", config),
                           containing: "channel dead: ")

        let history = try cli.run("telemetry", "alerts", "history", "--config", config)
        #expect(history.stdout.contains("firing") && history.stdout.contains("acknowledged"))
    }

    @Test func withoutAConfigCheckRunsOnDefaults() throws {
        defer { cli.cleanUp() }
        let result = try cli.run("telemetry", "check")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("OK: no alerts firing"))
        #expect(result.stdout.contains("No alerts firing or pending."))
    }
}
