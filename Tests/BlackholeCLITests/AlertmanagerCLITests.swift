import Foundation
import Testing
import TestSupport

/// The `alertmanager` channel against a real Alertmanager (Debian's prometheus-alertmanager),
/// which routes to a webhook receiver: a service goes down, `check` fires, the receiver hears it
/// through Alertmanager; the service recovers, the receiver hears the resolution. An
/// Alertmanager that is not there yet leaves the notification in the outbox for a later run.
@Suite struct AlertmanagerCLITests {
    @Test func alertsReachAlertmanagerAndResolve() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let service = try FixtureServer()
        try await service.setMode("error")
        let alertmanagerPort = try freeLoopbackPort()
        let config = cli.write("config.yaml", """
            health:
              services:
                storage: { health_endpoint: "\(service.url("/toggle"))", criticality_level: critical, timeout: 2s }
            serve: { public_url: "https://node1.example:4318" }
            alerting: { instance: node1 }
            alert_rules:
              - id: service_down
                name: Service Down
                description: Service is not responding to health checks
                metric: service.health.status
                condition: lt
                threshold: 0.5
                duration: 0s
                severity: critical
                notification_channels: [am]
            notification_channels:
              - name: am
                type: alertmanager
                config: { urls: ["http://127.0.0.1:\(alertmanagerPort)"], timeout: 2s }
            """)
        func check() throws -> CLI.Result { try cli.run("telemetry", "check", "--config", config, "--json") }

        // Alertmanager is not up yet: the firing waits in the outbox.
        let early = try check()
        #expect(early.status == 2, "\(early.stderr)")
        let notifications = try #require(early.json["notifications"] as? [String: Any])
        #expect(notifications["delivered"] as? Int == 0 && notifications["waiting"] as? Int == 1, "\(notifications)")
        #expect((notifications["failed"] as? [[String: Any]])?.first?["error"] as? String == "http://127.0.0.1:\(alertmanagerPort): Connection refused")

        let amConfig = cli.write("alertmanager.yml", """
            route:
              receiver: hook
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: "\(service.url("/webhook"))"
                    send_resolved: true
            """)
        let alertmanager = try await RealServer({ port in
            ["prometheus-alertmanager", "--config.file=\(amConfig)", "--storage.path=\(cli.path("am-data"))",
             "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
        }, ready: .answers("/-/ready"), logPath: cli.path("alertmanager.log"), port: alertmanagerPort)
        _ = alertmanager

        // The next run's newer state of the alert replaces the waiting one: one delivery.
        let firing = try check()
        let delivered = try #require(firing.json["notifications"] as? [String: Any])
        #expect(delivered["delivered"] as? Int == 1 && delivered["waiting"] as? Int == 0, "\(delivered)")
        let heard = try await received(service, status: "firing")
        let alert = try #require((heard["alerts"] as? [[String: Any]])?.first)
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels["alertname"] == "service_down" && labels["service"] == "storage" && labels["severity"] == "critical")
        #expect(labels["instance"] == "node1" && labels["criticality"] == "critical")
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["description"] == "Service is not responding to health checks")
        #expect(annotations["summary"]?.hasPrefix("Service Down: service.health.status") == true)
        #expect(alert["generatorURL"] as? String == "https://node1.example:4318/")

        // Still firing: sent again (Alertmanager forgets alerts that stop coming), announced once.
        let again = try check()
        #expect((again.json["notifications"] as? [String: Any])?["delivered"] as? Int == 1)

        try await service.setMode("healthy")
        let recovered = try check()
        #expect(recovered.status == 0, "\(recovered.stdout)")
        let resolution = try await received(service, status: "resolved")
        let resolved = try #require((resolution["alerts"] as? [[String: Any]])?.first)
        #expect((resolved["labels"] as? [String: String])?["alertname"] == "service_down")
        #expect(resolved["status"] as? String == "resolved")
        let firings = try await service.received().filter { $0["status"] as? String == "firing" }
        #expect(firings.count == 1, "Alertmanager told the receiver once: \(firings.count)")
    }

    /// Waits for Alertmanager's webhook with that status (it groups for a second first).
    private func received(_ service: FixtureServer, status: String) async throws -> [String: Any] {
        for _ in 0..<100 {
            if let body = try await service.received().last(where: { $0["status"] as? String == status }) { return body }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("no \(status) notification from Alertmanager within 10 s")
        throw CancellationError()
    }
}
