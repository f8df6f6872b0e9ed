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
}
