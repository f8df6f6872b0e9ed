import Foundation

/// A service's health, as probes, reports, alerts and `/health` all state it.
public enum HealthStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case healthy, degraded, unhealthy, unknown

    /// The value recorded as `service.health.status`.
    public var metricValue: Double {
        switch self {
        case .healthy: 1
        case .degraded: 0.5
        case .unhealthy: 0
        case .unknown: -1
        }
    }

    /// Worse sorts later: healthy < degraded < unknown < unhealthy.
    private var rank: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unknown: 2
        case .unhealthy: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    var color: TextStyle.Color? {
        switch self {
        case .healthy: .green
        case .degraded, .unknown: .yellow
        case .unhealthy: .red
        }
    }
}

/// What one probe saw.
public struct ProbeResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The service answered and said how it is (HTTP 200/503, a plugin's exit code, a TCP accept).
        case answered(HealthStatus)
        /// The service answered wrongly (an unexpected HTTP status): unhealthy at once.
        case refusedService
        /// No answer at all (timeout, connection refused or reset): degraded until
        /// `unhealthy_timeout` has passed since the last answer.
        case unreachable
    }

    public var outcome: Outcome
    public var responseTime: Double
    public var message: String

    public init(_ outcome: Outcome, responseTime: Double, message: String) {
        self.outcome = outcome
        self.responseTime = responseTime
        self.message = message
    }
}

/// A service's health as remembered between runs.
public struct ServiceState: Sendable, Equatable, Codable {
    public var service: String
    public var status: HealthStatus
    public var lastSeen: Date
    public var lastSuccess: Date?
    public var firstFailure: Date?
    public var errorCount: Int
    public var responseTime: Double
    public var message: String

    /// Applies one probe to what was known. A probe that answered resets the failure count;
    /// one that did not turns the service unhealthy only once it has been failing for longer
    /// than `unhealthyTimeout` since its last answer (or since its first failure, if it never
    /// answered). The time of the probe is set after that test, not before: set first, it would
    /// make a failing service look just seen, and it could never become unhealthy.
    public static func next(after previous: ServiceState?, service: String, result: ProbeResult,
                            at now: Date, unhealthyTimeout: Double) -> ServiceState {
        var state = previous ?? ServiceState(service: service, status: .unknown, lastSeen: now, lastSuccess: nil,
                                             firstFailure: nil, errorCount: 0, responseTime: 0, message: "")
        switch result.outcome {
        case .answered(let status):
            state.status = status
            state.lastSuccess = now
            state.firstFailure = nil
            state.errorCount = 0
        case .refusedService:
            state.status = .unhealthy
            state.errorCount += 1
            state.firstFailure = state.firstFailure ?? now
        case .unreachable:
            state.errorCount += 1
            state.firstFailure = state.firstFailure ?? now
            let failingSince = state.lastSuccess ?? state.firstFailure!
            state.status = now.timeIntervalSince(failingSince) > unhealthyTimeout ? .unhealthy : .degraded
        }
        state.lastSeen = now
        state.responseTime = result.responseTime
        state.message = result.message
        return state
    }
}
