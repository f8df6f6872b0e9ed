import Foundation
import Testing
@testable import BlackholeCore

@Suite struct ConfigTests {
    func problems(_ yaml: String) -> [String] {
        ConfigDecoding.decode(yaml: yaml, file: "c.yaml").1.map(\.description)
    }

    @Test func starterFileIsValidAndCarriesItsRules() throws {
        let (config, problems) = ConfigDecoding.decode(yaml: StarterConfig.text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.alertRules.map(\.id) == ["service_down", "high_cpu_usage", "p2p_low_connectivity", "high_response_time", "slow_traces",
                                                "cascading_failures"])
        let down = try #require(config.alertRules.first)
        #expect(down.condition == .lt && down.threshold == 0.5 && down.duration == 30 && down.severity == .critical)
        #expect(down.notificationChannels == ["webhook", "log"])
        #expect(config.notificationChannels.map(\.name) == ["webhook", "log"])
        #expect(config.notificationChannels.first?.kind == .webhook(url: "http://localhost:8080/alerts/webhook", timeout: 10, headers: [:]))
        #expect(config.storage.retention[.spans] == 259_200.0)
    }

    @Test func withoutRulesAlertsRulesNamesTheStarterOnes() {
        let report = AlertRulesReport(rules: [], latest: [], active: [], now: Date(timeIntervalSince1970: 0), staleness: 300)
        #expect(report.renderText(TextStyle()) == "No alert rules configured ('blackhole config init' writes a starter config with rules "
            + "service_down, high_cpu_usage, p2p_low_connectivity, high_response_time, slow_traces, cascading_failures).")
    }

    @Test func emptyFileMeansDefaults() {
        let (config, problems) = ConfigDecoding.decode(yaml: "")
        #expect(problems.isEmpty)
        #expect(config == Configuration())
    }

    @Test func readsEveryKey() throws {
        let (config, problems) = ConfigDecoding.decode(yaml: """
            storage: { path: /var/lib/bh.db, retention: { metrics: 12h } }
            health:
              check_interval: 10s
              unhealthy_timeout: 5m
              services:
                storage: { health_endpoint: "tcp://127.0.0.1:5432" }
                identity:
                  health_endpoint: http://127.0.0.1:8081/health
                  dependencies: [storage]
                  criticality_level: critical
                  timeout: 2s
            p2p: { min_connections: 5, max_latency_threshold: 250ms, bootstrap: [/ip4/10.0.0.1/tcp/4001], mdns: true }
            tracing: { sample_rate: 0.25, patterns: { slow_service_call: { threshold: 2s }, cascading_failures: { threshold: 4 } } }
            """)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.storage.path == "/var/lib/bh.db")
        #expect(config.storage.retention[.metrics] == 43_200.0)
        #expect(config.storage.retention[.alerts] == 604_800.0)
        #expect(config.health.checkInterval == 10 && config.health.unhealthyTimeout == 300)
        #expect(config.health.services.map(\.name) == ["storage", "identity"])
        let identity = config.health.services[1]
        #expect(identity.dependencies == ["storage"] && identity.criticality == .critical && identity.timeout == 2)
        #expect(config.p2p == P2PSettings(minConnections: 5, maxLatencyThreshold: 0.25, bootstrap: ["/ip4/10.0.0.1/tcp/4001"], mdns: true))
        #expect(config.tracing.sampleRate == 0.25)
        #expect(config.tracing.patternThresholds == [.slowServiceCall: 2, .p2pDiscoveryTimeout: 30, .cascadingFailures: 4])
    }

    @Test func unknownKeysAreNamedWithASuggestion() {
        #expect(problems("alert_rule: []\n") == ["c.yaml:1:1: unknown key \"alert_rule\"; did you mean \"alert_rules\"?"])
        #expect(problems("health:\n  servics: {}\n") == [
            "c.yaml:2:3: unknown key \"servics\" in health; did you mean \"services\"?"])
        #expect(problems("zzz: 1\n") == ["c.yaml:1:1: unknown key \"zzz\""])
    }

    @Test func wrongTypesAreLocated() {
        let found = problems("""
            health:
              check_interval: 30
              unhealthy_timeout: -5s
            p2p:
              min_connections: many
              mdns: maybe
            tracing:
              sample_rate: 1.5
            alert_rules:
              - id: cpu
                metric: system.cpu.usage_percent
                condition: above
                threshold: high
            """)
        #expect(found == [
            "c.yaml:2:19: health.check_interval: must be a duration like 30s, 2m, 1h or 7d",
            "c.yaml:3:22: health.unhealthy_timeout: must be a duration like 30s, 2m, 1h or 7d",
            "c.yaml:5:20: p2p.min_connections: must be a whole number",
            "c.yaml:6:9: p2p.mdns: must be true or false",
            "c.yaml:8:16: tracing.sample_rate: must be between 0 and 1",
            "c.yaml:12:16: alert_rules[0].condition: \"above\" is not one of gt, lt, eq, ne, forecast, anomaly",
            "c.yaml:13:16: alert_rules[0].threshold: must be a number",
        ])
    }

    @Test func historyRulesNeedTheirKeysAndRefuseTheOthers() {
        let found = problems("""
            storage:
              retention: { metrics: 12h }
            alert_rules:
              - { id: a, metric: m, condition: forecast, threshold: 5 }
              - { id: b, metric: m, condition: forecast, threshold: 5, window: 5m, horizon: 0s, direction: sideways, min_samples: 2 }
              - { id: c, metric: m, condition: forecast, threshold: 5, window: 1d, horizon: 4h }
              - { id: d, metric: m, condition: gt, threshold: 5, window: 6h, horizon: 1h, direction: up, min_samples: 5 }
              - { id: e, metric: m, condition: anomaly, threshold: 5, window: 6h, horizon: 1h, sensitivity: 0, direction: both }
              - { id: f, metric: m, condition: forecast, threshold: 5, window: 6h, horizon: 1h, sensitivity: 3 }
              - { id: g, metric: m, condition: anomaly, sensitivity: -1 }
            """)
        #expect(found == [
            "c.yaml:4:5: alert_rules[0]: window is required with condition forecast (the history judged, e.g. 6h)",
            "c.yaml:4:5: alert_rules[0]: horizon is required with condition forecast (how far ahead, e.g. 4h)",
            "c.yaml:5:68: alert_rules[1].window: must be at least 10m: a shorter history is noise",
            "c.yaml:5:81: alert_rules[1].horizon: must be longer than 0s",
            "c.yaml:5:96: alert_rules[1].direction: \"sideways\" is not one of up, down, both",
            "c.yaml:5:119: alert_rules[1].min_samples: must be at least 3",
            "c.yaml:6:68: alert_rules[2].window: 1d is longer than storage.retention.metrics (12h): the older samples are gone",
            "c.yaml:7:62: alert_rules[3].window: applies only to condition forecast and anomaly, not gt",
            "c.yaml:7:75: alert_rules[3].horizon: applies only to condition forecast, not gt",
            "c.yaml:7:90: alert_rules[3].direction: applies only to condition forecast and anomaly, not gt",
            "c.yaml:7:107: alert_rules[3].min_samples: applies only to condition forecast and anomaly, not gt",
            "c.yaml:8:56: alert_rules[4].threshold: does not apply to condition anomaly: sensitivity says how far from normal is abnormal",
            "c.yaml:8:80: alert_rules[4].horizon: applies only to condition forecast, not anomaly",
            "c.yaml:8:97: alert_rules[4].sensitivity: must be more than 0 (robust standard deviations from the median, e.g. 4)",
            "c.yaml:9:98: alert_rules[5].sensitivity: applies only to condition anomaly, not forecast",
            "c.yaml:10:5: alert_rules[6]: window is required with condition anomaly (the history judged, e.g. 6h)",
            "c.yaml:10:58: alert_rules[6].sensitivity: must be more than 0 (robust standard deviations from the median, e.g. 4)",
        ], "\(found)")
    }

    @Test func malformedYAMLIsOneLocatedProblem() {
        let found = problems("health:\n  services: [a, b\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("c.yaml:3:1: invalid YAML") == true, "\(found)")
        #expect(problems("just some words\n") == ["c.yaml:1:1: expected a mapping of keys to values"])
    }

    @Test func aProbePortOutOfRangeIsRefused() {
        #expect(problems("""
            health:
              services:
                far: { health_endpoint: "https://127.0.0.1:70000/health" }
            """) == ["c.yaml:3:29: health.services.far.health_endpoint: port 70000 of \"https://127.0.0.1:70000/health\" is not between 1 and 65535"])
    }

    @Test func referencesBetweenEntriesAreChecked() {
        let found = problems("""
            health:
              services:
                api: { health_endpoint: "http://127.0.0.1:1/health", dependencies: [db, api] }
                bad: { health_endpoint: "ftp://example" }
                none: { timeout: 1s }
            alert_rules:
              - { id: r, metric: m, condition: gt, threshold: 1, notification_channels: [pager] }
              - { id: r, metric: m, condition: gt, threshold: 2 }
            notification_channels:
              - { name: log, type: log }
              - { name: log, type: log }
              - { name: hook, type: webhook }
              - { name: x, type: sms }
            """)
        #expect(found == [
            "c.yaml:3:10: health.services.api: dependency \"db\" is not a service in health.services",
            "c.yaml:3:10: health.services.api: service depends on itself",
            "c.yaml:4:29: health.services.bad.health_endpoint: \"ftp://example\" is not an http(s)://, tcp://host:port or exec: target",
            "c.yaml:5:11: health.services.none: health_endpoint is required",
            "c.yaml:7:5: alert_rules[0]: channel \"pager\" is not in notification_channels",
            "c.yaml:8:5: alert_rules[1]: duplicate rule id \"r\"",
            "c.yaml:11:5: notification_channels[1]: duplicate channel name \"log\"",
            "c.yaml:12:5: notification_channels[2]: webhook channel \"hook\" needs config.url (or url_file)",
            "c.yaml:13:22: notification_channels[3].type: \"sms\" is not a channel type (webhook, log, alertmanager, email, slack, pagerduty)",
        ])
    }

    @Test func channelSecretsAndServersAreChecked() {
        let found = problems("""
            notification_channels:
              - { name: pager, type: pagerduty }
              - { name: pager2, type: pagerduty, config: { routing_key_file: /nonexistent/routing-key } }
              - { name: mail, type: email, config: { host: smtp.example.org, from: a@example.org, to: [b@example.org],
                                                     username: alerts, password_file: /nonexistent/smtp-password } }
              - { name: mail2, type: email, config: { host: "smtp.example.org:25", port: 0, tls: starttl, from: nobody, to: [] } }
              - { name: chat, type: slack }
              - { name: chat2, type: slack, config: { url: "hooks.slack.com/services/T0/B0/s3cret" } }
            """)
        #expect(found == [
            "c.yaml:2:5: notification_channels[0]: pagerduty channel \"pager\" needs config.routing_key (or routing_key_file), the integration key",
            "c.yaml:3:66: notification_channels[1].config.routing_key_file: cannot read /nonexistent/routing-key: No such file or directory",
            "c.yaml:5:75: notification_channels[2].config.password_file: cannot read /nonexistent/smtp-password: No such file or directory",
            "c.yaml:6:49: notification_channels[3].config.host: \"smtp.example.org:25\" is not a host name or address (the port goes in config.port)",
            "c.yaml:6:78: notification_channels[3].config.port: must be a port number (1 to 65535)",
            "c.yaml:6:86: notification_channels[3].config.tls: \"starttl\" is not one of starttls, implicit, none",
            "c.yaml:6:101: notification_channels[3].config.from: \"nobody\" is not an email address like user@example.org",
            "c.yaml:6:113: notification_channels[3].config.to: needs at least one address",
            "c.yaml:7:5: notification_channels[4]: slack channel \"chat\" needs config.url (or url_file), the incoming webhook's URL",
            "c.yaml:8:48: notification_channels[5].config.url: the Slack webhook URL is not an http(s) URL",
        ])
    }

    @Test func fallbacksAreOneStepToAChannelThatExists() {
        let found = problems("""
            notification_channels:
              - { name: a, type: log, fallback: a }
              - { name: b, type: log, fallback: nowhere }
              - { name: c, type: log, fallback: d }
              - { name: d, type: log, fallback: c }
              - { name: e, type: log, fallback: f, fallback_after: -1s }
              - { name: f, type: log }
            """)
        #expect(found == [
            "c.yaml:2:5: notification_channels[0]: channel \"a\" cannot be its own fallback",
            "c.yaml:3:5: notification_channels[1]: fallback \"nowhere\" is not in notification_channels",
            "c.yaml:4:5: notification_channels[2]: fallback \"d\" has a fallback of its own (\"c\"); fallbacks do not chain",
            "c.yaml:5:5: notification_channels[3]: fallback \"c\" has a fallback of its own (\"d\"); fallbacks do not chain",
            "c.yaml:6:56: notification_channels[4].fallback_after: must be a duration like 30s, 2m, 1h or 7d",
        ])
    }

    @Test func loadStopsAtTheFirstProblemAndCountsTheRest() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("c.yaml", "alert_rule: []\np2p: { mdns: 3 }\n")
        let error = try #require(throws: BlackholeError.self) {
            try ConfigLoader.load(ConfigLocation(path: path, origin: .flag, writablePath: path), environment: [:])
        }
        #expect(error.message == "\(path):1:1: unknown key \"alert_rule\"; did you mean \"alert_rules\"? (and 1 more; run 'blackhole config validate')")
    }

    @Test func locationFollowsThePrecedence() throws {
        let dir = TemporaryDirectory()
        let system = dir.write("etc.yaml", "")
        var env = ["HOME": dir.path, "XDG_CONFIG_HOME": dir.path + "/xdg"]
        #expect(ConfigLocation.resolve(flag: nil, environment: env, systemPath: dir.file("none")).path == nil)
        #expect(ConfigLocation.resolve(flag: nil, environment: env, systemPath: system).path == system)
        try FileManager.default.createDirectory(atPath: dir.path + "/xdg/blackhole", withIntermediateDirectories: true)
        let user = dir.write("xdg/blackhole/config.yaml", "")
        #expect(ConfigLocation.resolve(flag: nil, environment: env, systemPath: system).path == user)
        env["BLACKHOLE_CONFIG"] = "/from/env.yaml"
        #expect(ConfigLocation.resolve(flag: nil, environment: env, systemPath: system).path == "/from/env.yaml")
        #expect(ConfigLocation.resolve(flag: "/flag.yaml", environment: env, systemPath: system).path == "/flag.yaml")
        env = ["HOME": dir.path]
        #expect(ConfigLocation.resolve(flag: nil, environment: env, systemPath: dir.file("none")).writablePath
                == dir.path + "/.config/blackhole/config.yaml")
    }

    @Test func databasePathFollowsThePrecedence() {
        var config = Configuration()
        let env = ["HOME": "/home/op"]
        #expect(Paths.database(flag: nil, environment: env, config: config) == "/home/op/.local/state/blackhole/telemetry.db")
        #expect(Paths.database(flag: nil, environment: ["HOME": "/h", "XDG_STATE_HOME": "/state"], config: config)
                == "/state/blackhole/telemetry.db")
        config.storage.path = "~/bh.db"
        #expect(Paths.database(flag: nil, environment: env, config: config) == "/home/op/bh.db")
        #expect(Paths.database(flag: nil, environment: ["HOME": "/h", "BLACKHOLE_DB": "/env.db"], config: config) == "/env.db")
        #expect(Paths.database(flag: "/flag.db", environment: ["BLACKHOLE_DB": "/env.db"], config: config) == "/flag.db")
    }

    @Test func headersMayComeFromAFile() throws {
        let dir = TemporaryDirectory()
        let good = dir.write("headers", "# for the receiver\nAuthorization: Bearer t0ken\n\nX-Scope:  ops \n")
        let bad = dir.write("bad", "Authorization Bearer t0ken\n")
        let (config, problems) = ConfigDecoding.decode(yaml: """
            notification_channels:
              - { name: a, type: webhook, config: { url: "http://127.0.0.1:1/", headers: { X-Scope: dev, X-Other: 1 }, headers_file: \(good) } }
              - { name: b, type: alertmanager, config: { urls: ["http://127.0.0.1:1/"], headers_file: \(bad) } }
            """, file: "c.yaml")
        guard case .webhook(_, _, let headers) = config.notificationChannels[0].kind else { Issue.record("not a webhook"); return }
        #expect(headers == ["Authorization": "Bearer t0ken", "X-Scope": "ops", "X-Other": "1"])
        #expect(problems.map(\.description) == ["c.yaml:3:91: notification_channels[1].config.headers_file: line 1 of \(bad) is not a header (Name: value)"])
    }

    /// Found by fuzzing: a value was expanded again, so a secret holding `${` was misread and
    /// one naming its own variable never finished loading.
    @Test func environmentValuesAreTakenAsTheyAre() throws {
        let (config, problems) = ConfigDecoding.decode(yaml: """
            notification_channels:
              - { name: a, type: webhook, config: { url: "https://x.example/", headers: { Authorization: "Bearer ${SECRET}", X-Token: "${TOKEN}" } } }
            """, file: "c.yaml", environment: ["SECRET": "pa${SECRET}ss", "TOKEN": "t${UNSET}"])
        #expect(problems.isEmpty)
        guard case .webhook(_, _, let headers) = config.notificationChannels[0].kind else { Issue.record("not a webhook"); return }
        #expect(headers == ["Authorization": "Bearer pa${SECRET}ss", "X-Token": "t${UNSET}"])
    }

    /// Found while writing the config fuzz target: a duration too long for a 64-bit count of
    /// milliseconds was taken, then crashed `config show` and the grace check's message.
    @Test func absurdDurationsAreProblems() {
        #expect(problems("health:\n  check_interval: 99999999999999999999s\n") == [
            "c.yaml:2:19: health.check_interval: must be a duration like 30s, 2m, 1h or 7d"])
    }

    @Test func secretsAreMasked() throws {
        #expect(SecretMask.url("https://hooks.example/T1/B2?token=abc&x=1") == "https://hooks.example/T1/B2?token=***&x=***")
        #expect(SecretMask.url("https://user:pw@hooks.example/x") == "https://user:***@hooks.example/x")
        #expect(SecretMask.url("http://localhost:8080/alerts/webhook") == "http://localhost:8080/alerts/webhook")

        var config = Configuration()
        config.notificationChannels = [NotificationChannel(name: "w", kind: .webhook(url: "https://h/x?token=s3cret", timeout: 5, headers: ["Authorization": "Bearer t0ken"]))]
        let report = ConfigReport(source: nil, database: "/db", config: config)
        let json = try JSONOutput.encode(report)
        let text = report.renderText(TextStyle())
        #expect(!json.contains("s3cret") && !text.contains("s3cret"))
        #expect(!json.contains("t0ken") && !text.contains("t0ken"))
        #expect(json.contains("token=***") && text.contains("token=***"))

        config.notificationChannels = [
            NotificationChannel(name: "m", kind: .email(EmailSettings(host: "smtp.example.org", port: 587, tls: .starttls, username: "u",
                                                                      password: "pw-s3cret", from: "a@example.org", to: ["b@example.org"]))),
            NotificationChannel(name: "s", kind: .slack(url: "https://hooks.slack.com/services/T0/B0/s3cret", timeout: 10)),
            NotificationChannel(name: "p", kind: .pagerduty(routingKey: "s3cret-key", url: PagerDutySender.enqueueURL, timeout: 10)),
        ]
        let channels = ConfigReport(source: nil, database: "/db", config: config)
        for shown in [try JSONOutput.encode(channels), channels.renderText(TextStyle())] {
            #expect(!shown.contains("s3cret"), "\(shown)")
            #expect(shown.components(separatedBy: "***").count == 4, "\(shown)")
        }
    }

    @Test func shownConfigReadsBackAsTheSameConfig() throws {
        var (config, _) = ConfigDecoding.decode(yaml: StarterConfig.text)
        // Durations a person's rounding would change.
        config.health.unhealthyTimeout = 2 * 86_400 + 3 * 3600 + 5 * 60
        config.health.checkInterval = 1.25
        config.notificationChannels[0].fallback = "log"
        config.notificationChannels[0].fallbackAfter = 90
        config.serve.tlsCert = "/etc/blackhole/tls/node.pem"
        config.serve.tlsKey = "/etc/blackhole/tls/node.key"
        var forecast = AlertRule(id: "disk_fills_soon", name: "Disk fills soon", metric: "system.disk.free_percent",
                                 condition: .forecast, threshold: 5, duration: 600, window: 6 * 3600, horizon: 4 * 3600 + 90)
        forecast.direction = .down
        forecast.minSamples = 20
        var inferred = forecast
        inferred.id = "disk_trend"
        inferred.direction = nil
        var anomaly = AlertRule(id: "queue_unusual", name: "Queue unusual", metric: "app.queue.depth", condition: .anomaly,
                                threshold: 0, window: 3 * 3600, sensitivity: 3.5, minSamples: 40)
        anomaly.direction = .up
        config.alertRules += [forecast, inferred, anomaly]
        let shown = ConfigReport(source: nil, database: "/db", config: config).renderText(TextStyle())
        let body = shown.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let (again, problems) = ConfigDecoding.decode(yaml: body)
        #expect(problems.isEmpty, "\(problems)")
        #expect(again == config)
    }

    @Test func initNeverOverwritesWithoutForce() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("new/sub/config.yaml")
        try StarterConfig.write(to: path, force: false)
        #expect(FileManager.default.contents(atPath: path) == Data(StarterConfig.text.utf8))
        try Data("mine".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: BlackholeError.self) { try StarterConfig.write(to: path, force: false) }
        #expect(FileManager.default.contents(atPath: path) == Data("mine".utf8))
        try StarterConfig.write(to: path, force: true)
        #expect(FileManager.default.contents(atPath: path) == Data(StarterConfig.text.utf8))
    }
}
