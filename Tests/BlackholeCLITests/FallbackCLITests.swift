import Foundation
import Testing
import TestSupport

/// A channel's fallback, through `telemetry check` runs against real receivers on 127.0.0.1:
/// the fallback gets one copy once the primary has been failing long enough, and the primary
/// still gets its own, once, when it comes back.
@Suite struct FallbackCLITests {
    func config(_ cli: CLI, service: FixtureServer, primary: String, fallback: FixtureServer, budget: String = "10s") -> String {
        cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "\(service.url("/toggle"))", timeout: 1s }
            alerting: { check_budget: \(budget) }
            alert_rules:
              - { id: service_down, name: Service Down, metric: service.health.status, condition: lt, threshold: 0.5,
                  duration: 0s, severity: critical, notification_channels: [pager] }
            notification_channels:
              - name: pager
                type: webhook
                config: { url: "\(primary)", timeout: 1s }
                fallback: mail
                fallback_after: 0s
              - name: mail
                type: webhook
                config: { url: "\(fallback.url("/webhook"))", timeout: 1s }
            """)
    }

    @Test func theFallbackGetsOneCopyAndThePrimaryItsOwnOnceBack() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let service = try FixtureServer(), primary = try FixtureServer(), fallback = try FixtureServer()
        try await service.setMode("error")
        try await primary.setWebhook("down")
        let path = config(cli, service: service, primary: primary.url("/webhook"), fallback: fallback)
        func check() throws -> [String: Any] {
            try #require(try cli.run("telemetry", "check", "--config", path, "--json").json["notifications"] as? [String: Any])
        }

        let first = try check()
        #expect((first["fallbacks"] as? [[String: Any]])?.first?["fallback"] as? String == "mail", "\(first)")
        for _ in 0..<3 { _ = try check() }
        let copies = try await fallback.received()
        #expect(copies.count == 1, "the fallback heard it once: \(copies.count)")
        #expect(copies.first?["fallback_for"] as? String == "pager")
        #expect((copies.first?["message"] as? String)?.hasPrefix("(via fallback: pager could not deliver) Service Down") == true)
        #expect(try await primary.received().isEmpty)

        try await primary.setWebhook("up")
        let back = try check()
        #expect(back["delivered"] as? Int == 1 && back["waiting"] as? Int == 0, "\(back)")
        for _ in 0..<2 { _ = try check() }
        let own = try await primary.received()
        #expect(own.count == 1 && own.first?["fallback_for"] is NSNull, "the primary got its own notification once: \(own.count)")
        #expect(try await fallback.received().count == 1)
    }

    /// A run killed while it waits on a receiver loses nothing: the notification is claimed only
    /// until that run's deadline, then the next runs take it up, and the fallback still gets one.
    @Test func aRunKilledMidDeliveryLosesNothing() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let service = try FixtureServer(), fallback = try FixtureServer()
        try await service.setMode("error")
        let silent = try BusyPort()  // accepts connections and never answers
        defer { silent.close() }
        let path = config(cli, service: service, primary: "http://127.0.0.1:\(silent.port)/hook", fallback: fallback, budget: "2s")

        let (process, _, _) = try cli.start(["telemetry", "check", "--config", path, "-q"])
        try await Task.sleep(nanoseconds: 700_000_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try await Task.sleep(nanoseconds: 1_500_000_000)  // past the killed run's claim

        var waiting: Int?
        for _ in 0..<3 {
            let result = try cli.run("telemetry", "check", "--config", path, "--json")
            waiting = (result.json["notifications"] as? [String: Any])?["waiting"] as? Int
        }
        #expect(waiting == 1, "the primary's notification still waits for it")
        #expect(try await fallback.received().count == 1, "and the fallback has had exactly one copy")
    }
}
