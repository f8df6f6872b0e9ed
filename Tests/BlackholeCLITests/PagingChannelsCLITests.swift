import Foundation
import Testing
import TestSupport

/// The `email`, `slack` and `pagerduty` channels through the built binary, against real servers
/// on 127.0.0.1: aiosmtpd (with STARTTLS and a certificate made by openssl for the test, or in
/// plain text), and the fixture's Slack webhook and PagerDuty Events API, which check each
/// request's shape as the real services do.
@Suite struct PagingChannelsCLITests {
    static let routingKey = "0123456789abcdef0123456789abcdef"

    /// `Tests/Fixtures/smtp_server.py`, recording what it receives in a file of JSON lines.
    final class MailServer: Sendable {
        let port: Int
        let record: String
        private let process: FixtureProcess

        init(_ cli: CLI, _ options: [String]) throws {
            record = cli.path("smtp-\(UUID().uuidString).jsonl")
            process = try FixtureProcess(["python3", Fixtures.path("smtp_server.py"), record] + options)
            guard let port = Int(process.firstLine) else { throw CocoaError(.fileReadCorruptFile) }
            self.port = port
        }

        func events(_ kind: String) -> [[String: Any]] {
            let text = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["event"] as? String == kind }
        }

        /// A received message's header, unfolded.
        static func header(_ name: String, in data: String) -> String? {
            let head = data.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")[0]
                .replacingOccurrences(of: "\n ", with: " ")
            return head.split(separator: "\n").first { $0.lowercased().hasPrefix(name.lowercased() + ": ") }
                .map { String($0.dropFirst(name.count + 2)) }
        }
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, made now.
    @Test func anOutageIsMailedPostedAndPagedThenResolved() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let service = try FixtureServer(), receivers = try FixtureServer()
        try await service.setMode("error")
        let (cert, key, ca) = try cli.certificate("smtp")
        let smtp = try MailServer(cli, ["--starttls", cert, key, "--auth", "alerts:s3cret-pw"])
        _ = cli.write("smtp-password", "s3cret-pw\n")
        let config = cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "\(service.url("/toggle"))", criticality_level: critical, timeout: 2s }
            serve: { public_url: "https://node1.example:4318" }
            alerting: { instance: node1 }
            alert_rules:
              - { id: service_down, name: Service Down, description: Service is not responding to health checks,
                  metric: service.health.status, condition: lt, threshold: 0.5, duration: 0s, severity: critical,
                  notification_channels: [mail, chat, pager] }
            notification_channels:
              - name: mail
                type: email
                config: { host: 127.0.0.1, port: \(smtp.port), ca_file: "\(ca)", username: alerts,
                          password_file: "\(cli.path("smtp-password"))", from: blackhole@node1.example, to: [ops@example.org], timeout: 5s }
              - name: chat
                type: slack
                config: { url: "\(receivers.url("/slack"))" }
              - name: pager
                type: pagerduty
                config: { routing_key: \(Self.routingKey), url: "\(receivers.url("/v2/enqueue"))" }
            """)
        func check() throws -> CLI.Result { try cli.run("telemetry", "check", "--config", config, "--json") }

        let down = try check()
        #expect(down.status == 2, "\(down.stderr)")
        let delivery = try #require(down.json["notifications"] as? [String: Any])
        #expect(delivery["delivered"] as? Int == 3 && delivery["waiting"] as? Int == 0, "\(delivery)")

        // One mail, over STARTTLS, after AUTH, with a subject to triage from.
        let mails = smtp.events("message")
        try #require(mails.count == 1, "\(mails)")
        #expect(mails[0]["tls"] as? Bool == true && mails[0]["login"] as? String == "alerts")
        #expect(mails[0]["rcpt_tos"] as? [String] == ["ops@example.org"])
        let firing = try #require(mails[0]["data"] as? String)
        #expect(MailServer.header("Subject", in: firing) == "[FIRING critical] Service Down: storage")
        #expect(MailServer.header("Message-ID", in: firing)?.hasSuffix("@node1.example>") == true)
        #expect(MailServer.header("Date", in: firing)?.hasSuffix("+0000") == true)
        #expect(firing.contains("Service is not responding to health checks") && firing.contains("Dashboard: https://node1.example:4318/"))
        #expect(smtp.events("auth").map { $0["tls"] as? Bool } == [true])

        // One Slack message.
        let posts = try await receivers.received("/slack")
        try #require(posts.count == 1)
        #expect(posts[0]["text"] as? String == "[FIRING critical] Service Down: storage")
        let blocks = try #require(posts[0]["blocks"] as? [[String: Any]])
        let fields = (blocks.first { $0["type"] as? String == "section" }?["fields"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(fields.contains("*Severity*\ncritical") && fields.contains("*Service*\nstorage") && fields.contains("*Value*\n0"), "\(fields)")
        #expect(fields.contains { $0.hasPrefix("*Since*\n<!date^") }, "\(fields)")

        // One PagerDuty trigger.
        let triggers = try await receivers.received("/v2/enqueue")
        try #require(triggers.count == 1)
        #expect(triggers[0]["event_action"] as? String == "trigger")
        let dedupKey = try #require(triggers[0]["dedup_key"] as? String)
        #expect(dedupKey.hasPrefix("node1/service_down/"))
        let payload = try #require(triggers[0]["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical" && payload["source"] as? String == "node1")
        #expect(payload["component"] as? String == "storage")
        #expect((payload["summary"] as? String)?.hasPrefix("Service Down") == true)
        #expect((payload["custom_details"] as? [String: Any])?["rule"] as? String == "service_down")

        // Still down: nothing is sent again before the repeat interval.
        let still = try check()
        #expect((still.json["notifications"] as? [String: Any])?["delivered"] as? Int == 0)

        // Acknowledged: PagerDuty hears it at once, with the same key.
        let alertID = try #require((down.json["alerts"] as? [[String: Any]])?.first?["id"] as? String)
        let ack = try cli.run("telemetry", "alerts", "ack", String(alertID.prefix(8)), "--config", config)
        #expect(ack.status == 0 && ack.stdout.contains("told pager"), "\(ack.stdout)\(ack.stderr)")
        let acks = try await receivers.received("/v2/enqueue").filter { $0["event_action"] as? String == "acknowledge" }
        #expect(acks.count == 1 && acks.first?["dedup_key"] as? String == dedupKey)

        try await service.setMode("healthy")
        let up = try check()
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect((up.json["notifications"] as? [String: Any])?["delivered"] as? Int == 3)
        let resolvedMails = smtp.events("message").dropFirst()
        try #require(resolvedMails.count == 1)
        #expect(MailServer.header("Subject", in: resolvedMails.first?["data"] as? String ?? "") == "[RESOLVED critical] Service Down: storage")
        let resolves = try await receivers.received("/v2/enqueue").filter { $0["event_action"] as? String == "resolve" }
        #expect(resolves.count == 1 && resolves.first?["dedup_key"] as? String == dedupKey)
        let resolvedPosts = try await receivers.received("/slack").dropFirst()
        #expect(resolvedPosts.count == 1 && resolvedPosts.first?["text"] as? String == "[RESOLVED critical] Service Down: storage")
    }

    @Test func aPasswordIsNotSentWithoutTLS() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        // A server that offers AUTH in plain text and no STARTTLS.
        let smtp = try MailServer(cli, ["--auth", "alerts:s3cret-pw"])
        let config = cli.write("config.yaml", """
            notification_channels:
              - name: mail
                type: email
                config: { host: 127.0.0.1, port: \(smtp.port), username: alerts, password: s3cret-pw,
                          from: blackhole@node1.example, to: [ops@example.org] }
            """)
        let refused = try cli.run("telemetry", "alerts", "test", "--channel", "mail", "--config", config)
        expectOneLineError(refused, containing: "channel mail: 127.0.0.1:\(smtp.port): the server does not offer STARTTLS")
        #expect(!refused.stderr.contains("s3cret"))
        #expect(smtp.events("auth").isEmpty && smtp.events("message").isEmpty)
    }

    /// A check that fires one warning to PagerDuty at `receivers` with `key`; the failing service
    /// comes back with the check's notifications, to keep it failing.
    func firePagerDuty(_ cli: CLI, receivers: FixtureServer, key: String) async throws -> ([String: Any], FixtureServer) {
        let service = try FixtureServer()
        try await service.setMode("error")
        let config = cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "\(service.url("/toggle"))", timeout: 2s }
            alerting: { check_budget: 5s }
            alert_rules:
              - { id: service_down, name: Service Down, metric: service.health.status, condition: lt, threshold: 0.5,
                  duration: 0s, severity: warning, notification_channels: [pager] }
            notification_channels:
              - { name: pager, type: pagerduty, config: { routing_key: \(key), url: "\(receivers.url("/v2/enqueue"))" } }
            """)
        return (try #require(try cli.run("telemetry", "check", "--config", config, "--json").json["notifications"] as? [String: Any]), service)
    }

    @Test func aMalformedEventIsGivenUp() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let receivers = try FixtureServer()
        let (refused, _) = try await firePagerDuty(cli, receivers: receivers, key: "abc")
        let failure = (refused["failed"] as? [[String: Any]])?.first?["error"] as? String
        #expect(failure == "given up: PagerDuty refused the event (HTTP 400): Event object is invalid: "
                + "Length of 'routing_key' is incorrect (should be 32 characters)", "\(refused)")
        #expect(refused["waiting"] as? Int == 0)
        #expect(try await receivers.received("/v2/enqueue").isEmpty)
    }

    @Test func aTestNotificationToPagerDutyResolvesItsIncident() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let receivers = try FixtureServer()
        let config = cli.write("config.yaml", """
            notification_channels:
              - { name: pager, type: pagerduty, config: { routing_key: \(Self.routingKey), url: "\(receivers.url("/v2/enqueue"))" } }
            """)
        let tested = try cli.run("telemetry", "alerts", "channels", "test", "pager", "--config", config)
        #expect(tested.status == 0 && tested.stdout.contains("its test incident was resolved at once"), "\(tested.stdout)\(tested.stderr)")
        let events = try await receivers.received("/v2/enqueue")
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "resolve"], "\(events)")
        #expect(Set(events.compactMap { $0["dedup_key"] as? String }).count == 1, "one incident: \(events)")
    }

    @Test func aThrottledEventWaitsForTheNextRun() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let receivers = try FixtureServer()
        try await receivers.setPagerDuty("throttle")
        let (throttled, service) = try await firePagerDuty(cli, receivers: receivers, key: Self.routingKey)
        #expect((throttled["failed"] as? [[String: Any]])?.first?["error"] as? String == "PagerDuty answered HTTP 429", "\(throttled)")
        #expect(throttled["waiting"] as? Int == 1)
        try await receivers.setPagerDuty("up")
        let later = try #require(try cli.run("telemetry", "check", "--config", cli.path("config.yaml"), "--json")
            .json["notifications"] as? [String: Any])
        #expect(later["delivered"] as? Int == 1 && later["waiting"] as? Int == 0, "\(later)")
        let events = try await receivers.received("/v2/enqueue")
        #expect(events.map { $0["event_action"] as? String } == ["trigger"], "\(events)")
        #expect((events.first?["payload"] as? [String: Any])?["severity"] as? String == "warning")
        _ = service
    }

    @Test func secretsAreMaskedInConfigShow() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", """
            notification_channels:
              - { name: mail, type: email, config: { host: smtp.example.org, username: u, password: pw-s3cret,
                                                     from: a@example.org, to: [b@example.org] } }
              - { name: chat, type: slack, config: { url: "https://hooks.slack.com/services/T0/B0/slack-s3cret" } }
              - { name: pager, type: pagerduty, config: { routing_key: pd-s3cret-0123456789abcdef0123456 } }
            """)
        for arguments in [["config", "show"], ["config", "show", "--json"]] {
            let shown = try cli.run(arguments + ["--config", config])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(!shown.stdout.contains("s3cret"), "\(shown.stdout)")
            #expect(shown.stdout.contains("***") && shown.stdout.contains("https://events.pagerduty.com/v2/enqueue"))
        }
    }
}
