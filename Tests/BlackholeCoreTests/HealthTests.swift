import Foundation
import Testing
@testable import BlackholeCore

@Suite struct ServiceStateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func next(_ previous: ServiceState?, _ outcome: ProbeResult.Outcome, at time: Date) -> ServiceState {
        ServiceState.next(after: previous, service: "s", result: ProbeResult(outcome, responseTime: 0.01, message: "m"),
                          at: time, unhealthyTimeout: 120)
    }

    @Test func unreachableIsDegradedUntilTheTimeoutSinceTheLastSuccess() {
        let ok = next(nil, .answered(.healthy), at: t0)
        #expect(ok.status == .healthy && ok.lastSuccess == t0 && ok.errorCount == 0)
        let first = next(ok, .unreachable, at: t0 + 60)
        #expect(first.status == .degraded && first.errorCount == 1 && first.lastSuccess == t0 && first.lastSeen == t0 + 60)
        let second = next(first, .unreachable, at: t0 + 120)
        #expect(second.status == .degraded && second.errorCount == 2)  // exactly the timeout: not longer than it
        let third = next(second, .unreachable, at: t0 + 121)
        #expect(third.status == .unhealthy && third.errorCount == 3)
        let back = next(third, .answered(.healthy), at: t0 + 180)
        #expect(back.status == .healthy && back.errorCount == 0 && back.firstFailure == nil)
    }

    @Test func neverAnsweringCountsFromTheFirstFailure() {
        let first = next(nil, .unreachable, at: t0)
        #expect(first.status == .degraded && first.lastSuccess == nil && first.firstFailure == t0)
        #expect(next(first, .unreachable, at: t0 + 100).status == .degraded)
        #expect(next(next(first, .unreachable, at: t0 + 100), .unreachable, at: t0 + 200).status == .unhealthy)
    }

    @Test func aWrongAnswerIsUnhealthyAtOnceAndAServiceSaysItsOwnStatus() {
        let refused = next(nil, .refusedService, at: t0)
        #expect(refused.status == .unhealthy && refused.errorCount == 1 && refused.lastSuccess == nil)
        #expect(next(refused, .answered(.degraded), at: t0 + 1).status == .degraded)
        #expect(next(refused, .answered(.degraded), at: t0 + 1).lastSuccess == t0 + 1)
    }

    @Test func rootCauseFollowsTheDependencyChain() {
        let services = [
            ServiceSettings(name: "api", healthEndpoint: "tcp://h:1", dependencies: ["identity"]),
            ServiceSettings(name: "identity", healthEndpoint: "tcp://h:1", dependencies: ["storage"]),
            ServiceSettings(name: "storage", healthEndpoint: "tcp://h:1"),
        ]
        func state(_ name: String, _ status: HealthStatus) -> ServiceState {
            ServiceState(service: name, status: status, lastSeen: t0, lastSuccess: nil, firstFailure: nil, errorCount: 0,
                         responseTime: 0, message: "")
        }
        let report = HealthReport(services: services, states: [
            "api": state("api", .degraded), "identity": state("identity", .unhealthy), "storage": state("storage", .unhealthy),
        ])
        #expect(report.rootCauses == ["api": "storage", "identity": "storage"])
        #expect(report.services[0].impactedBy == ["identity"] && report.services[0].dependencies == ["identity": .unhealthy])
        #expect(report.services[2].rootCause == nil)
        let healthyStorage = HealthReport(services: services, states: ["identity": state("identity", .unhealthy)])
        #expect(healthyStorage.rootCauses == ["api": "identity"])
    }
}

/// Probes against a real HTTP server on 127.0.0.1, a closed port, and real plugins.
@Suite(.serialized) struct ServiceProberTests {
    let server: FixtureServer

    init() throws { server = try FixtureServer() }

    func probe(_ endpoint: String, timeout: Double = 2) async throws -> ProbeResult {
        try await withHTTPClient { http in
            await ServiceProber(http: http).probe(ServiceSettings(name: "s", healthEndpoint: endpoint, timeout: timeout))
        }
    }

    @Test func everyHTTPOutcome() async throws {
        let cases: [(String, ProbeResult.Outcome, String)] = [
            ("/healthy", .answered(.healthy), "HTTP 200 healthy"),
            ("/degraded", .answered(.degraded), "HTTP 200 degraded"),
            ("/sick", .answered(.unhealthy), "HTTP 200 status \"failing\""),
            ("/garbage", .answered(.healthy), "HTTP 200"),
            ("/unavailable", .answered(.degraded), "HTTP 503"),
            ("/error", .refusedService, "HTTP 500"),
            ("/nowhere", .refusedService, "HTTP 404"),
        ]
        for (path, outcome, message) in cases {
            let result = try await probe(server.url(path))
            #expect(result.outcome == outcome, "\(path)")
            #expect(result.message == message, "\(path)")
            #expect(result.responseTime > 0 && result.responseTime < 1, "\(path)")
        }
    }

    /// `http://` answers are read without an HTTP client library: every way an HTTP/1.1 body can
    /// end, an answer too long to read, a service that hangs up, and by a host name.
    /// A 200's body says the service's status as Foundation's JSON parser would read it.
    @Test func aBodysStatusIsReadAsJSONSerializationReadsIt() {
        let bodies = [
            #"{"status":"healthy"}"#, #" { "uptime": [1, {"a": null}], "status" : "degraded" } "#, #"{"status":"\u0064own"}"#,
            #"{"status":null}"#, #"{"status":1}"#, #"{"status":["healthy"]}"#, #"{"nested":{"status":"x"}}"#, "[]", "null", "",
            #"{"status":"healthy"} trailing"#, #"{"status":"healthy""#, "<html>OK</html>", #"{"status":"a","status":"b"}"#,
        ]
        for body in bodies {
            let foundation = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["status"] as? String
            #expect(ServiceProber.reportedStatus(Data(body.utf8)) == foundation, "\(body)")
        }
    }

    @Test func plainHTTPAnswersOfEveryShape() async throws {
        let cases: [(String, ProbeResult.Outcome, String)] = [
            ("/chunked", .answered(.degraded), "HTTP 200 degraded"),
            ("/until-close", .answered(.unhealthy), "HTTP 200 status \"failing\""),
            ("/huge", .answered(.healthy), "HTTP 200"),
            ("/hang-up", .unreachable, "connection closed by the service"),
        ]
        for (path, outcome, message) in cases {
            let result = try await probe(server.url(path))
            #expect(result.outcome == outcome, "\(path)")
            #expect(result.message == message, "\(path)")
        }
        let byName = try await probe("http://localhost:\(server.port)/healthy")
        #expect(byName.outcome == .answered(.healthy), "\(byName.message)")
        // What the service is sent: the path and query as written, the health headers.
        let echo = try await PlainHTTPGet.get(server.url("/echo-request?a=%20b&c"), headers: ServiceProber.headers,
                                              timeout: 2, bodyLimit: 1 << 16)
        let sent = try JSONSerialization.jsonObject(with: Data(try #require(echo.body))) as? [String: Any]
        #expect(echo.status == 200 && sent?["path"] as? String == "/echo-request?a=%20b&c")
        #expect(sent?["headers"] as? [String: String] == ["Host": "127.0.0.1:\(server.port)", "Connection": "close",
                                                          "Accept": "application/json", "User-Agent": "blackhole-health"])
        // A literal IPv6 address is connected to, not looked up as a name (whether this host
        // has IPv6 on loopback or not, the answer is about the connection).
        for endpoint in ["http://[::1]:1/health", "tcp://[::1]:1"] {
            let literal = try await probe(endpoint)
            #expect(literal.outcome == .unreachable && !literal.message.hasPrefix("cannot resolve"), "\(endpoint): \(literal.message)")
        }
        let unresolvable = try await probe("http://no-such-host.invalid/health")
        #expect(unresolvable.outcome == .unreachable && unresolvable.message.hasPrefix("cannot resolve no-such-host.invalid"))
    }

    @Test func slowPastTheTimeoutAndRefusedAreUnreachable() async throws {
        let slow = try await probe(server.url("/slow?seconds=3"), timeout: 0.3)
        #expect(slow.outcome == .unreachable && slow.message == "timed out after 300ms")
        #expect(slow.responseTime >= 0.3 && slow.responseTime < 1.5)
        let closed = try await probe("http://127.0.0.1:1/health")
        #expect(closed.outcome == .unreachable)
        #expect(closed.message.localizedCaseInsensitiveContains("refused"), "\(closed.message)")
    }

    @Test func tcpConnects() async throws {
        #expect(try await probe("tcp://127.0.0.1:\(server.port)").outcome == .answered(.healthy))
        let closed = try await probe("tcp://127.0.0.1:1")
        #expect(closed.outcome == .unreachable && closed.message.localizedCaseInsensitiveContains("refused"))
    }

    @Test func execRunsPluginsWithoutAShellAndKillsThemOnTime() async throws {
        let dummy = "/usr/lib/nagios/plugins/check_dummy"
        if FileManager.default.isExecutableFile(atPath: dummy) {
            // Debian's monitoring-plugins: a real Nagios plugin.
            let warning = try await probe("exec:\(dummy) 1 \"disk getting full\"")
            #expect(warning.outcome == .answered(.degraded) && warning.message == "WARNING: disk getting full")
            #expect(try await probe("exec:\(dummy) 2 down").outcome == .answered(.unhealthy))
        }
        let plugin = Fixtures.path("plugin.sh")
        for (code, status) in [(0, HealthStatus.healthy), (1, .degraded), (2, .unhealthy), (3, .unknown), (7, .unknown)] {
            let result = try await probe("exec:\(plugin) \(code) 'status $HOME; `x`'")
            #expect(result.outcome == .answered(status), "exit \(code)")
            #expect(result.message == "code \(code): status $HOME; `x`", "no shell expanded the argument")
        }
        let mask = try await probe("exec:\(plugin) mask")
        #expect(mask.message == "SigBlk:\t0000000000000000", "plugins start with no signal blocked (their own alarm() must work)")
        let started = Date()
        let stuck = try await probe("exec:/bin/sleep 30", timeout: 0.3)
        #expect(stuck.outcome == .unreachable && stuck.message.hasPrefix("timed out after 300ms"))
        #expect(Date().timeIntervalSince(started) < 2)
        let missing = try await probe("exec:/no/such/plugin")
        #expect(missing.outcome == .answered(.unknown) && missing.message.hasPrefix("cannot run /no/such/plugin"))

        // A plugin that starts a child and waits: both are gone once its time is up.
        let forking = try await probe("exec:/bin/sh -c 'sleep 3119 & sleep 3120; echo never'", timeout: 0.3)
        #expect(forking.outcome == .unreachable)
        let left = Process()
        left.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        left.arguments = ["-f", "sleep 31(19|20)"]
        try left.run()
        left.waitUntilExit()
        #expect(left.terminationStatus == 1, "no process of the plugin's is left")
    }
}

@Suite(.serialized) struct HealthMonitorTests {
    @Test func probesRunConcurrentlyAndStateSurvivesBetweenRuns() async throws {
        let server = try FixtureServer()
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock()
        let http = LazyHTTPClient(trusting: [])
        var settings = HealthSettings()
        settings.unhealthyTimeout = 120
        settings.services = (1...3).map {
            ServiceSettings(name: "slow\($0)", healthEndpoint: server.url("/slow?seconds=0.6"), timeout: 2)
        } + [ServiceSettings(name: "toggle", healthEndpoint: server.url("/toggle"), criticality: .critical, timeout: 0.3)]

        func run() async throws -> HealthReport {
            // A new monitor each time, as each cron run is a new process.
            try await HealthMonitor(prober: ServiceProber(http: http), store: store, clock: clock).run(settings)
        }
        let started = Date()
        let first = try await run()
        #expect(Date().timeIntervalSince(started) < 1.5, "the four probes ran at once, bounded by the slowest")
        #expect(first.services.allSatisfy { $0.status == .healthy })

        try await server.setMode("slow")
        clock.advance(by: 60)
        #expect(try await run().services.last?.status == .degraded)
        clock.advance(by: 61)
        let down = try await run().services.last
        #expect(down?.status == .unhealthy && down?.state?.errorCount == 2)  // 121 s since the last success
        clock.advance(by: 60)
        let later = try await run().services.last
        #expect(later?.status == .unhealthy && later?.state?.errorCount == 3)
        #expect(later?.state?.lastSuccess == clock.now() - 181)

        let recorded = try HealthMonitor(prober: ServiceProber(http: http), store: store, clock: clock).recorded(settings)
        #expect(recorded.services.last?.status == .unhealthy)
        let metric = try MetricStore(store).latest(name: "service.health.status")
        #expect(metric.first { $0.labels["service"] == "toggle" }?.value == 0)
        #expect(metric.first { $0.labels["service"] == "toggle" }?.labels["criticality"] == "critical")
        #expect(try MetricStore(store).latest(name: "service.response_time").count == 4)
        try await http.shutdown()
    }
}
