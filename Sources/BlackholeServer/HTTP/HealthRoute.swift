import BlackholeCore
import Foundation
import Hummingbird

/// `GET /health`, for load balancers and monitors: 200 healthy or degraded, 503 unhealthy, with
/// blackhole's own state and every watched service's as JSON. Answered without the token.
struct HealthRoute {
    static let path = "/health"
    let state: ServeState

    func addRoutes(to router: some RouterMethods<ServeContext>) {
        router.get(RouterPath(Self.path)) { _, _ in try answer() }
    }

    func answer() throws -> Response {
        let report: HealthReport?
        do {
            report = try state.health.report(state.config.health)
        } catch {
            // Blackhole unhealthy, not a failed request: a monitor must see the 503.
            state.logger.error("/health: cannot read the database", metadata: ["error": "\(BlackholeError.line(error))"])
            report = nil
        }
        let now = state.clock.now()
        let health = ServeHealth(report: report, checks: state.checks, commitQueueItems: state.receiver.queue.depth,
                                 uptime: now.timeIntervalSince(state.metrics.started), now: now)
        return try .json(health, status: health.status == .unhealthy ? .serviceUnavailable : .ok)
    }
}

/// `/health`'s body: blackhole's own state and every watched service's.
struct ServeHealth: Encodable {
    let status: HealthStatus
    let time: Date
    let blackhole: Own
    let services: [HealthReport.Service]

    struct Own: Encodable {
        let status: HealthStatus
        let database: String
        let lastCheck: Date?
        let checkError: String?
        let commitQueueItems: Int
        let uptimeSeconds: Int

        enum CodingKeys: String, CodingKey {
            case status, database, lastCheck = "last_check", checkError = "check_error"
            case commitQueueItems = "commit_queue_items", uptimeSeconds = "uptime_seconds"
        }
    }

    /// Unhealthy when blackhole cannot read its database (`report` nil) or a critical service is
    /// unhealthy; degraded when its checks have not completed for a while or any other service is
    /// not healthy (never probed yet counts as healthy).
    init(report: HealthReport?, checks: CheckLoopStatus?, commitQueueItems: Int, uptime: TimeInterval, now: Date) {
        let own: HealthStatus = report == nil ? .unhealthy : checks?.isLate(now: now) == true ? .degraded : .healthy
        services = report?.services ?? []
        var status = own
        for service in services where service.status != .healthy && service.status != .unknown {
            status = max(status, service.status == .unhealthy && service.criticality == .critical ? .unhealthy : .degraded)
        }
        self.status = status
        time = now
        let checked = checks?.snapshot
        blackhole = Own(status: own, database: report == nil ? "unusable (see serve's log)" : "ok", lastCheck: checked?.lastSuccess,
                        checkError: checked?.lastError, commitQueueItems: commitQueueItems, uptimeSeconds: Int(uptime))
    }
}
