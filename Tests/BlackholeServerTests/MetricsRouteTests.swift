@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import Testing

/// `GET /metrics` through the real router: stored series and serve's own counters, in the
/// Prometheus text format.
@Suite struct MetricsRouteTests {
    @Test func storedSeriesThenServesOwnCounters() async throws {
        let serve = try ServeFixture()
        try await serve.app().test(.router) { client in
            #expect(try await client.post("/v1/metrics", OTLPBody.gauge("queue.depth", 7)).status == .ok)
            _ = try await client.get("/api/nothing")
            serve.clock.advance(by: 42)
            let scraped = try await client.get("/metrics")
            #expect(scraped.status == .ok && scraped.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = scraped.text
            #expect(text.contains("# TYPE queue_depth gauge\nqueue_depth 7\n"), "\(text)")
            #expect(text.contains("blackhole_serve_uptime_seconds 42\n"))
            #expect(text.contains(#"blackhole_serve_requests_total{code="200",endpoint="/v1/metrics",transport="http"} 1"#))
            #expect(text.contains(#"blackhole_serve_requests_total{code="404",endpoint="/api",transport="http"} 1"#))
            #expect(text.contains("blackhole_serve_metric_points_accepted_total 1\n"))
            #expect(!text.contains("forward"), "no forwarding families without --forward-otlp")
        }
    }

    @Test func alertsAndTheirDeliveryAreSeries() async throws {
        var config = BlackholeCore.Configuration()
        config.alertRules = [AlertRule(id: "service_down", name: "Service Down", metric: "service.health.status", condition: .lt,
                                       threshold: 0.5, duration: 0, severity: .critical, notificationChannels: ["hook"]),
                             AlertRule(id: "high_cpu_usage", name: "High CPU", metric: "system.cpu.usage_percent", condition: .gt,
                                       threshold: 80, duration: 120, severity: .warning, notificationChannels: ["hook"])]
        config.notificationChannels = [NotificationChannel(name: "hook", kind: .webhook(url: "http://127.0.0.1:9/x", timeout: 1, headers: [:]))]
        let serve = try ServeFixture(config: config)
        try MetricStore(serve.store).record([Sample("service.health.status", 0, labels: ["service": "storage"], time: serve.clock.now()),
                                             Sample("system.cpu.usage_percent", 97, time: serve.clock.now())])
        _ = try AlertCycle(store: serve.store, config: config, clock: serve.clock).run()
        // The receiver is down: the run counts a failure and the notification waits.
        _ = try await withHTTPClient { http in
            try await OutboxDelivery(store: serve.store, senders: notificationSenders(config, http: http), clock: serve.clock, maxAge: 3600)
                .deliver(deadline: serve.clock.now() + 2)
        }
        try await serve.app().test(.router) { client in
            let text = try await client.get("/metrics").text
            #expect(text.contains("# TYPE blackhole_alerts gauge\n"), "\(text)")
            #expect(text.contains(#"blackhole_alerts{alertname="service_down",alertstate="firing",service="storage",severity="critical"} 1"#))
            #expect(text.contains(#"blackhole_alerts{alertname="high_cpu_usage",alertstate="pending",severity="warning"} 1"#))
            #expect(text.contains(#"blackhole_alert_notifications_total{channel="hook",result="failed"} 1"#))
            #expect(text.contains("blackhole_outbox_pending 1\n"))
        }
    }
}
