@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import Testing

/// `GET /health` through the real router: the status a monitor acts on, from the recorded
/// health, serve's own checks and its database, at the time of the handed-in clock.
@Suite struct HealthRouteTests {
    static func config() -> BlackholeCore.Configuration {
        var config = BlackholeCore.Configuration()
        config.health.services = [ServiceSettings(name: "storage", healthEndpoint: "http://127.0.0.1:1/health", criticality: .critical),
                                  ServiceSettings(name: "social", healthEndpoint: "http://127.0.0.1:1/health", criticality: .optional)]
        return config
    }

    func record(_ serve: ServeFixture, _ statuses: [String: HealthStatus]) throws {
        try HealthStore(serve.store).replace(with: statuses.map { service, status in
            ServiceState(service: service, status: status, lastSeen: serve.clock.now(), lastSuccess: serve.clock.now(), firstFailure: nil,
                         errorCount: 0, responseTime: 0.004, message: "HTTP 200 \(status.rawValue)")
        })
    }

    @Test func healthyUntilACriticalServiceIsUnhealthy() async throws {
        let serve = try ServeFixture(config: Self.config())
        try await serve.app().test(.router) { client in
            let never = try await client.get("/health")
            #expect(never.status == .ok && never.headers[.contentType] == "application/json")
            #expect(never.json["status"] as? String == "healthy", "never probed counts as healthy: \(never.text)")

            try record(serve, ["storage": .healthy, "social": .unhealthy])
            let degraded = try await client.get("/health")
            #expect(degraded.status == .ok && degraded.json["status"] as? String == "degraded", "\(degraded.text)")

            try record(serve, ["storage": .unhealthy, "social": .healthy])
            let down = try await client.get("/health")
            #expect(down.status == .serviceUnavailable && down.json["status"] as? String == "unhealthy", "\(down.text)")
            let services = down.json["services"] as? [[String: Any]] ?? []
            #expect(services.map { $0["name"] as? String } == ["storage", "social"])
            #expect((down.json["blackhole"] as? [String: Any])?["status"] as? String == "healthy")
        }
    }

    @Test func lateChecksDegradeAndTheClockIsTheOneHandedIn() async throws {
        let clock = ManualClock()
        let checks = CheckLoopStatus(interval: 30, started: clock.now())
        let serve = try ServeFixture(checks: checks)
        try await serve.app().test(.router) { client in
            serve.clock.advance(by: 42)
            var own = try await client.get("/health").json["blackhole"] as? [String: Any]
            #expect(own?["status"] as? String == "healthy" && own?["uptime_seconds"] as? Int == 42, "\(own ?? [:])")

            // Three intervals without a completed run: the loop is stuck or failing.
            serve.clock.advance(by: 91)
            checks.failed("database locked")
            let late = try await client.get("/health")
            own = late.json["blackhole"] as? [String: Any]
            #expect(late.status == .ok && late.json["status"] as? String == "degraded", "\(late.text)")
            #expect(own?["status"] as? String == "degraded" && own?["check_error"] as? String == "database locked")
            #expect(late.json["time"] as? String == TimeText.rfc3339(serve.clock.now()))

            checks.succeeded(at: serve.clock.now())
            #expect(try await client.get("/health").json["status"] as? String == "healthy")
        }
    }

    @Test func anUnreadableDatabaseIsUnhealthyAndLogged() async throws {
        let serve = try ServeFixture(health: UnreadableRecords())
        try await serve.app().test(.router) { client in
            let answer = try await client.get("/health")
            #expect(answer.status == .serviceUnavailable && answer.json["status"] as? String == "unhealthy", "\(answer.text)")
            #expect((answer.json["blackhole"] as? [String: Any])?["database"] as? String == "unusable (see serve's log)")

            let api = try await client.get("/api/health")
            #expect(api.status == .internalServerError && api.json["error"] as? String == UnreadableRecords.message, "\(api.text)")
        }
        let record = try #require(serve.logs.records.first)
        #expect(record.level == .error && record.message == "/health: cannot read the database")
        #expect(record.metadata["error"]?.description == UnreadableRecords.message)
    }
}

/// A database that cannot be read.
struct UnreadableRecords: HealthRecords {
    static let message = "database /var/lib/blackhole/telemetry.db: file is not a usable SQLite database"

    func report(_ settings: HealthSettings) throws -> HealthReport {
        throw BlackholeError(.database, Self.message)
    }
}
