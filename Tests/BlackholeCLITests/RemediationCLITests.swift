import Foundation
import Testing
import TestSupport

/// Remediation through `telemetry check` runs of the binary, against real services on 127.0.0.1
/// and real action programs. Durations are a second or two: the runs use the real clock.
@Suite(.serialized) struct RemediationCLITests {
    let cli = CLI()

    func check(_ config: String) throws -> [String: Any] {
        let result = try cli.run("telemetry", "check", "--config", config, "--json")
        #expect(result.status != 3, "\(result.stderr)")
        return result.json
    }

    func decision(_ report: [String: Any], _ service: String) -> String? {
        (report["remediations"] as? [[String: Any]])?.first { $0["service"] as? String == service }?["decision"] as? String
    }

    func records(_ config: String) throws -> [[String: Any]] {
        let listed = try cli.run("telemetry", "remediations", "--config", config, "--json")
        #expect(listed.status == 0, "\(listed.stderr)")
        return listed.json["remediations"] as? [[String: Any]] ?? []
    }

    /// Whether a process whose command line contains `marker` is running.
    func running(_ marker: String) throws -> Bool {
        try CLI.program(["pgrep", "-f", marker]).status == 0
    }

    @Test func aKilledServiceIsRestartedOnceAndNotAgainWhileItStartsSlowly() async throws {
        defer { cli.cleanUp() }
        let state = cli.path("service")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let start = ["python3", Fixtures.path("restartable_service.py"), "start", "\(port)"]
        // The service as its operator started it: up at once.
        #expect(try CLI.program(start + ["0", state]).status == 0)
        func pid() -> Int32? { (try? String(contentsOfFile: state + "/pid", encoding: .utf8)).flatMap { Int32($0) } }
        defer { if let pid = pid() { kill(pid, SIGKILL) } }
        for _ in 0..<50 where pid() == nil { try await Task.sleep(for: .milliseconds(100)) }
        let first = try #require(pid(), "the service started")

        // The action restarts it slowly: up 2.5 s later, past several checks, within the grace.
        let config = cli.write("config.yaml", """
            health:
              check_interval: 1s
              unhealthy_timeout: 1s
              services:
                storage:
                  health_endpoint: "http://127.0.0.1:\(port)/health"
                  timeout: 1s
                  remediation:
                    action: [\((start + ["2.5", state]).map { "\"\($0)\"" }.joined(separator: ", "))]
                    after: 1s
                    grace: 6s
                    timeout: 10s
            """)
        #expect(decision(try check(config), "storage") == "ok")
        try FileManager.default.removeItem(atPath: state + "/pid")
        kill(first, SIGKILL)

        // Down: degraded, then unhealthy, then unhealthy for `after`: one action.
        var decisions: [String] = []
        let deadline = Date() + 30
        while Date() < deadline {
            let report = try check(config)
            let now = decision(report, "storage") ?? "none"
            if decisions.last != now { decisions.append(now) }
            if now == "ok" && decisions.contains("acted") { break }
            try await Task.sleep(for: .milliseconds(400))
        }
        #expect(decisions.contains("waiting") && decisions.contains("in_grace"), "\(decisions)")
        #expect(decisions.filter { $0 == "acted" }.count == 1 && decisions.last == "ok", "\(decisions)")
        let starts = try String(contentsOfFile: state + "/starts", encoding: .utf8).split(separator: "\n")
        #expect(starts.count == 2, "the operator's start and one action: \(starts)")
        #expect(starts.last?.contains(" storage unhealthy for ") == true, "BLACKHOLE_SERVICE and BLACKHOLE_REASON: \(starts)")

        let recorded = try records(config)
        #expect(recorded.count == 1, "\(recorded)")
        let action = try #require(recorded.first)
        #expect(action["result"] as? String == "succeeded" && action["exit_status"] as? Int == 0 && action["trigger"] as? String == "automatic")
        #expect(action["health_before"] as? String == "unhealthy" && (action["output"] as? String)?.contains("starting the service") == true, "\(action)")

        // Judged after the grace, and seen as a span beside the outage.
        try await Task.sleep(for: .seconds(6))
        #expect(decision(try check(config), "storage") == "ok")
        #expect(try records(config).first?["health_after"] as? String == "healthy")
        let spans = try cli.run("telemetry", "traces", "--config", config, "--since", "5m", "--json")
        #expect(spans.stdout.contains("remediation.run"), "\(spans.stdout)")
    }

    /// A service answering 500 whatever is done: `config` with an action that does nothing useful.
    func brokenService(_ service: FixtureServer, action: [String], maxAttempts: Int = 2, timeout: String = "10s",
                       extra: String = "") -> String {
        cli.write("config.yaml", """
            health:
              check_interval: 1s
              services:
                storage:
                  health_endpoint: "\(service.url("/toggle"))"
                  criticality_level: critical
                  timeout: 1s
                  remediation:
                    action: [\(action.map { "\"\($0)\"" }.joined(separator: ", "))]
                    after: 0s
                    grace: 1s
                    max_attempts: \(maxAttempts)
                    window: 1h
                    timeout: \(timeout)
            \(extra)
            """)
    }

    @Test func actionsThatNeverHelpStopAtMaxAttemptsAndRemediationExhaustedFiresThenResolves() async throws {
        defer { cli.cleanUp() }
        let service = try FixtureServer()
        try await service.setMode("error")
        let config = brokenService(service, action: ["sh", "-c", "echo tried; exit 3"], extra: """
            notification_channels:
              - { name: file, type: log, config: { path: "\(cli.path("alerts.log"))" } }
            """)
        var decisions: [String] = []
        var firing = false
        for _ in 0..<12 {
            let report = try check(config)
            decisions.append(decision(report, "storage") ?? "none")
            let alerts = report["alerts"] as? [[String: Any]] ?? []
            firing = alerts.contains { $0["rule_id"] as? String == "remediation_exhausted" && $0["state"] as? String == "firing" }
            if firing { break }
            try await Task.sleep(for: .milliseconds(600))
        }
        #expect(decisions.filter { $0 == "acted" }.count == 2 && decisions.last == "exhausted", "\(decisions)")
        #expect(firing, "remediation_exhausted fires once the attempts run out")
        let recorded = try records(config)
        #expect(recorded.count == 2 && recorded.allSatisfy { $0["result"] as? String == "failed" && $0["exit_status"] as? Int == 3 }, "\(recorded)")
        #expect(recorded.allSatisfy { ($0["output"] as? String)?.contains("tried") == true })
        let log = try String(contentsOfFile: cli.path("alerts.log"), encoding: .utf8)
        #expect(log.contains("Remediation of storage: sh -c echo tried; exit 3 exited 3"), "on_failure: each failed action is told: \(log)")
        #expect(log.contains("remediation_exhausted"), "\(log)")

        // Back by itself: the alert resolves.
        try await service.setMode("healthy")
        let back = try check(config)
        #expect(decision(back, "storage") == "ok")
        #expect(!((back["alerts"] as? [[String: Any]]) ?? []).contains { $0["rule_id"] as? String == "remediation_exhausted" }, "\(back["alerts"] ?? "")")
        #expect(try String(contentsOfFile: cli.path("alerts.log"), encoding: .utf8).contains("\"state\":\"resolved\""))
    }

    @Test func twoChecksAtOnceRunOneActionAndAHangingActionIsKilledWithItsChildren() async throws {
        defer { cli.cleanUp() }
        let service = try FixtureServer()
        try await service.setMode("error")
        // Starts a child that would outlive it, then hangs.
        let config = brokenService(service, action: ["sh", "-c", "echo restarting; sleep 3217 & sleep 3218"], timeout: "1s")
        let started = try (0..<2).map { _ in try cli.start(["telemetry", "check", "--config", config, "--json"]) }
        let results = started.map { CLI.finish($0.0, $0.1, $0.2) }
        let decisions = results.map { decision($0.json, "storage") ?? "none: \($0.stderr)" }.sorted()
        #expect(decisions == ["acted", "running"] || decisions == ["acted", "in_grace"], "\(decisions)")
        let recorded = try records(config)
        #expect(recorded.count == 1, "one action for two checks: \(recorded)")
        #expect(recorded.first?["result"] as? String == "timed_out", "\(recorded)")
        #expect((recorded.first?["output"] as? String)?.contains("restarting") == true)
        #expect(try !running("sleep 3217") && !running("sleep 3218"), "the action and what it started are gone")

        // By hand: --dry-run runs nothing; a paused service is left alone by check.
        let plan = try cli.run("telemetry", "remediate", "storage", "--dry-run", "--config", config)
        #expect(plan.status == 0 && plan.stdout.contains("Would run: sh -c echo restarting; sleep 3217 & sleep 3218"), "\(plan.stdout)\(plan.stderr)")
        #expect(try records(config).count == 1)
        #expect(try cli.run("telemetry", "remediate", "--pause", "storage", "--for", "1h", "--config", config).status == 0)
        try await Task.sleep(for: .seconds(1.1))
        #expect(decision(try check(config), "storage") == "paused")
        let listed = try cli.run("telemetry", "remediations", "--config", config)
        #expect(listed.stdout.contains("storage: automatic remediation paused until"), "\(listed.stdout)")
        let alerts = try cli.run("telemetry", "alerts", "--config", config)
        #expect(alerts.stdout.contains("Remediation of storage paused until"), "\(alerts.stdout)")
        #expect(try cli.run("telemetry", "remediate", "--resume", "storage", "--config", config).status == 0)
        #expect(decision(try check(config), "storage") == "acted")

        expectOneLineError(try cli.run("telemetry", "remediate", "nope", "--config", config),
                           containing: "no remediation for \"nope\"; services with one: storage")
    }
}
