import Foundation
import Testing
import TestSupport

/// `alerts channels` and `alerts channels test` through the binary, against a webhook receiver
/// on 127.0.0.1 that goes down and comes back.
@Suite struct ChannelsCLITests {
    let cli = CLI()
    static let password = "s3cret-in-url"

    func config(service: FixtureServer, receiver: FixtureServer, channels: Bool = true) -> String {
        // The URL's password comes from a file and must show nowhere.
        let urlFile = cli.write("hook.url", receiver.url("/webhook").replacingOccurrences(of: "http://", with: "http://ops:\(Self.password)@") + "\n")
        return cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "\(service.url("/toggle"))", timeout: 1s }
            alert_rules:
              - { id: service_down, name: Service Down, metric: service.health.status, condition: lt, threshold: 0.5,
                  duration: 0s, severity: critical, notification_channels: [\(channels ? "hook, file" : "")] }
            """ + (channels ? """

            notification_channels:
              - name: hook
                type: webhook
                config: { url_file: "\(urlFile)", timeout: 1s }
                fallback: file
                fallback_after: 30m
              - { name: file, type: log, config: { path: "\(cli.path("alerts.log"))" } }
            """ : ""))
    }

    func channels(_ config: String) throws -> [String: [String: Any]] {
        let result = try cli.run("telemetry", "alerts", "channels", "--config", config, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(Self.password))
        let list = try #require(result.json["channels"] as? [[String: Any]], "\(result.stdout)")
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0) })
    }

    @Test func eachChannelShowsItsDeliveriesAndATestNotificationGetsAnAnswer() async throws {
        defer { cli.cleanUp() }
        let service = try FixtureServer(), receiver = try FixtureServer()
        let path = config(service: service, receiver: receiver)

        // Never tried yet.
        var seen = try channels(path)
        #expect(seen["hook"]?["type"] as? String == "webhook" && seen["hook"]?["last_success"] is NSNull, "\(seen)")
        #expect((seen["hook"]?["target"] as? String)?.contains("ops:***@127.0.0.1") == true, "\(seen)")
        #expect(seen["hook"]?["fallback"] as? String == "file" && seen["hook"]?["fallback_after_seconds"] as? Double == 1800)
        #expect(seen["file"]?["target"] as? String == cli.path("alerts.log"))

        // The service goes down while the receiver fails: one failure in a row, one waiting.
        try await service.setMode("error")
        try await receiver.setWebhook("down")
        _ = try cli.run("telemetry", "check", "--config", path, "-q")
        seen = try channels(path)
        #expect(seen["hook"]?["consecutive_failures"] as? Int == 1 && seen["hook"]?["pending"] as? Int == 1, "\(seen)")
        #expect((seen["hook"]?["last_error"] as? String)?.contains("HTTP 500") == true, "\(seen)")
        #expect(seen["file"]?["consecutive_failures"] as? Int == 0 && seen["file"]?["delivered"] as? Int == 1, "\(seen)")
        _ = try cli.run("telemetry", "check", "--config", path, "-q")
        #expect(try channels(path)["hook"]?["consecutive_failures"] as? Int == 2)

        let text = try cli.run("telemetry", "alerts", "channels", "--config", path)
        #expect(text.status == 0 && text.stdout.contains("2 in a row") && text.stdout.contains("file after 30m"), "\(text.stdout)")
        #expect(text.stdout.contains("hook: webhook answered HTTP 500") && !text.stdout.contains(Self.password), "\(text.stdout)")

        // A test notification while the receiver fails: exit 1, one line, the secret masked.
        let failed = try cli.run("telemetry", "alerts", "channels", "test", "hook", "--config", path)
        expectOneLineError(failed, containing: "channel hook: webhook answered HTTP 500")
        #expect(failed.status == 1 && !failed.stderr.contains(Self.password))

        // Back up: the waiting notification goes, the run of failures is over.
        try await receiver.setWebhook("up")
        _ = try cli.run("telemetry", "check", "--config", path, "-q")
        seen = try channels(path)
        #expect(seen["hook"]?["consecutive_failures"] as? Int == 0 && seen["hook"]?["pending"] as? Int == 0, "\(seen)")
        #expect(seen["hook"]?["last_success"] is String && seen["hook"]?["delivered"] as? Int == 1 && seen["hook"]?["failed"] as? Int == 2, "\(seen)")

        let sent = try cli.run("telemetry", "alerts", "channels", "test", "hook", "--config", path, "--json")
        #expect(sent.status == 0 && sent.json["ok"] as? Bool == true, "\(sent.stdout)\(sent.stderr)")
        #expect((sent.json["message"] as? String)?.hasPrefix("Delivered a test notification to hook (webhook, http://ops:***@") == true)
        #expect(try await receiver.received().last?["rule_id"] as? String == "blackhole_test")

        expectOneLineError(try cli.run("telemetry", "alerts", "channels", "test", "nope", "--config", path),
                           containing: "no channel \"nope\"; channels: hook, file")
    }

    @Test func aChannelGoneFromTheConfigStillShowsWhatWaitsForItAndNoChannelsIsSaidPlainly() async throws {
        defer { cli.cleanUp() }
        let service = try FixtureServer(), receiver = try FixtureServer()
        try await service.setMode("error")
        try await receiver.setWebhook("down")
        _ = try cli.run("telemetry", "check", "--config", config(service: service, receiver: receiver), "-q")

        let without = config(service: service, receiver: receiver, channels: false)
        let seen = try channels(without)
        #expect(seen.keys.sorted() == ["hook"], "\(seen)")
        #expect(seen["hook"]?["type"] is NSNull && seen["hook"]?["pending"] as? Int == 1, "\(seen)")
        let text = try cli.run("telemetry", "alerts", "channels", "--config", without)
        #expect(text.stdout.contains("not configured"), "\(text.stdout)")

        let empty = cli.write("empty.yaml", "health: { services: {} }\n")
        let none = try cli.run("telemetry", "alerts", "channels", "--config", empty, "--db", cli.path("other.db"))
        #expect(none.status == 0 && none.stdout.hasPrefix("No notification channels configured"), "\(none.stdout)\(none.stderr)")
        expectOneLineError(try cli.run("telemetry", "alerts", "channels", "test", "hook", "--config", empty, "--db", cli.path("other.db")),
                           containing: "no channel \"hook\": no notification_channels are configured")
    }
}
