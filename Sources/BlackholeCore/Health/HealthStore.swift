import Foundation
import GRDB

/// Each service's remembered health: what `telemetry health` shows and what the next probe
/// builds on (last success, first failure, error count).
public struct HealthStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("health_state") { db in
        try db.execute(sql: """
            CREATE TABLE health_state (
                service TEXT PRIMARY KEY NOT NULL,
                status TEXT NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                last_success_ms INTEGER,
                first_failure_ms INTEGER,
                error_count INTEGER NOT NULL,
                response_time_ms REAL NOT NULL,
                message TEXT NOT NULL)
            """)
    }

    public func states() throws -> [String: ServiceState] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM health_state")
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                let state = ServiceState(
                    service: row["service"], status: HealthStatus(rawValue: row["status"]) ?? .unknown,
                    lastSeen: MetricStore.date(row["last_seen_ms"]),
                    lastSuccess: (row["last_success_ms"] as Int64?).map(MetricStore.date),
                    firstFailure: (row["first_failure_ms"] as Int64?).map(MetricStore.date),
                    errorCount: row["error_count"], responseTime: row["response_time_ms"] / 1000, message: row["message"])
                return (state.service, state)
            })
        }
    }

    /// Saves these states and forgets services that are no longer configured.
    public func replace(with states: [ServiceState]) throws {
        try store.write { db in
            let names = states.map(\.service)
            try db.execute(literal: "DELETE FROM health_state WHERE service NOT IN \(names)")
            for state in states {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO health_state
                        (service, status, last_seen_ms, last_success_ms, first_failure_ms, error_count, response_time_ms, message)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [state.service, state.status.rawValue, MetricStore.milliseconds(state.lastSeen),
                                state.lastSuccess.map(MetricStore.milliseconds), state.firstFailure.map(MetricStore.milliseconds),
                                state.errorCount, state.responseTime * 1000, state.message])
            }
        }
    }
}
