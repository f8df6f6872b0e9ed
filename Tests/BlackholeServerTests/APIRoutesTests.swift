@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import Testing

/// The dashboard's JSON API through the real router: the `--json` bodies of the matching
/// commands, and a one-line error for a bad query.
@Suite struct APIRoutesTests {
    @Test func healthAndAlertsAreTheCommandsBodies() async throws {
        var config = BlackholeCore.Configuration()
        config.health.services = [ServiceSettings(name: "storage", healthEndpoint: "http://127.0.0.1:1/health")]
        let serve = try ServeFixture(config: config)
        let alert = ActiveAlert(id: "16a07c408aaeeeaf", ruleID: "service_down", metric: "service.health.status", labels: ["service": "storage"],
                                severity: .critical, phase: .firing, value: 0, activeSince: serve.clock.now(), firedAt: serve.clock.now(),
                                lastSeen: serve.clock.now(), count: 1, message: "Service Down")
        try serve.store.write { try AlertStore.replaceActive($0, with: [alert]) }
        try await serve.app().test(.router) { client in
            let health = try await client.get("/api/health")
            #expect(health.status == .ok && health.headers[.contentType] == "application/json")
            #expect((health.json["services"] as? [[String: Any]])?.first?["message"] as? String == "never probed", "\(health.text)")

            let alerts = try await client.get("/api/alerts")
            #expect(alerts.status == .ok)
            let listed = alerts.json["alerts"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["id"] as? String } == ["16a07c408aaeeeaf"] && listed.first?["state"] as? String == "firing", "\(alerts.text)")
        }
    }

    @Test func metricsNeedANameAndAReadableTime() async throws {
        let serve = try ServeFixture()
        try await serve.app().test(.router) { client in
            #expect(try await client.post("/v1/metrics", OTLPBody.gauge("system.cpu.usage_percent", 12.5)).status == .ok)
            let series = try await client.get("/api/metrics?name=system.cpu.usage_percent")
            #expect(series.status == .ok, "\(series.text)")
            let points = (series.json["series"] as? [[String: Any]])?.first?["points"] as? [[String: Any]]
            #expect(points?.map { $0["value"] as? Double } == [12.5], "\(series.text)")

            let unnamed = try await client.get("/api/metrics")
            #expect(unnamed.status == .badRequest && unnamed.json["error"] as? String == "name: missing (e.g. ?name=system.cpu.usage_percent)")
            let badTime = try await client.get("/api/metrics?name=x&since=yesterday")
            #expect(badTime.status == .badRequest && (badTime.json["error"] as? String)?.hasPrefix("invalid time \"yesterday\"") == true,
                    "\(badTime.text)")
        }
    }

    @Test func tracesListedAndOneByItsPrefix() async throws {
        let serve = try ServeFixture()
        try await serve.app().test(.router) { client in
            for (index, traceID) in ["1a061fe1d45f66fe76185b3f265d1398", "2b061fe1d45f66fe76185b3f265d1398"].enumerated() {
                let body = OTLPBody.trace(traceID, span: "eee19b7ec3c1b17\(index)", end: serve.clock.now())
                #expect(try await client.post("/v1/traces", body).status == .ok)
            }
            let listed = try await client.get("/api/traces")
            #expect((listed.json["traces"] as? [[String: Any]])?.count == 2, "\(listed.text)")
            let one = try await client.get("/api/traces?limit=0")
            #expect((one.json["traces"] as? [[String: Any]])?.count == 1, "a limit is at least 1")

            let trace = try await client.get("/api/traces/1a061fe1")
            #expect(trace.status == .ok && (trace.json["trace"] as? [String: Any])?["trace_id"] as? String == "1a061fe1d45f66fe76185b3f265d1398")
            #expect((trace.json["spans"] as? [[String: Any]])?.map { $0["name"] as? String } == ["put"])

            let unknown = try await client.get("/api/traces/ffff")
            #expect(unknown.status == .badRequest && unknown.json["error"] as? String == "no stored trace has an id starting with ffff")
            let notHex = try await client.get("/api/traces/xyz")
            #expect(notHex.status == .badRequest && (notHex.json["error"] as? String)?.contains("is not hex") == true)
        }
    }
}
