import Foundation
import GRDB

/// What remediation remembers between runs: per service, since when it has been unhealthy, its
/// last action, the lease of a running action and any pause; and a record of every action.
public struct RemediationStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("remediation") { db in
        try db.execute(sql: """
            CREATE TABLE remediation_state (
                service TEXT PRIMARY KEY NOT NULL,
                unhealthy_since_ms INTEGER,
                healthy_since_ms INTEGER,
                last_action_ms INTEGER,
                attempts_from_ms INTEGER,
                running_until_ms INTEGER,
                paused_until_ms INTEGER);
            CREATE TABLE remediations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time_ms INTEGER NOT NULL,
                service TEXT NOT NULL,
                trigger TEXT NOT NULL,
                reason TEXT NOT NULL,
                action TEXT NOT NULL,
                health_before TEXT NOT NULL,
                result TEXT NOT NULL,
                exit_status INTEGER,
                duration_ms INTEGER,
                output TEXT NOT NULL DEFAULT '',
                health_after TEXT,
                judged_ms INTEGER);
            CREATE INDEX remediations_by_service ON remediations(service, time_ms);
            CREATE INDEX remediations_by_time ON remediations(time_ms);
            """)
    }

    static let retention = RetentionTarget(kind: .alerts, table: "remediations", timeColumn: "time_ms", unitsPerSecond: 1000, cleanup: nil)

    /// One service's remembered state.
    struct State {
        var unhealthySince: Date?
        var healthySince: Date?
        var lastAction: Date?
        var attemptsFrom: Date?
        var runningUntil: Date?
        var pausedUntil: Date?
    }

    static func state(_ db: Database, _ service: String) throws -> State {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM remediation_state WHERE service = ?", arguments: [service]) else { return State() }
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(MetricStore.date) }
        return State(unhealthySince: date("unhealthy_since_ms"), healthySince: date("healthy_since_ms"), lastAction: date("last_action_ms"),
                     attemptsFrom: date("attempts_from_ms"), runningUntil: date("running_until_ms"), pausedUntil: date("paused_until_ms"))
    }

    static func save(_ db: Database, _ service: String, _ state: State) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO remediation_state
            (service, unhealthy_since_ms, healthy_since_ms, last_action_ms, attempts_from_ms, running_until_ms, paused_until_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [service, state.unhealthySince.map(MetricStore.milliseconds), state.healthySince.map(MetricStore.milliseconds),
                             state.lastAction.map(MetricStore.milliseconds), state.attemptsFrom.map(MetricStore.milliseconds),
                             state.runningUntil.map(MetricStore.milliseconds), state.pausedUntil.map(MetricStore.milliseconds)])
    }

    /// Actions of the service that count against `max_attempts` now.
    static func attempts(_ db: Database, _ service: String, since: Date) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM remediations WHERE service = ? AND time_ms >= ? AND result != 'not_started'",
                         arguments: [service, MetricStore.milliseconds(since)]) ?? 0
    }

    /// Starts a record of an action about to run; its id.
    static func begin(_ db: Database, service: String, trigger: Remediation.Trigger, reason: String, action: [String],
                      health: HealthStatus, at time: Date) throws -> Int64 {
        let argv = String(decoding: try JSONEncoder().encode(action), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO remediations (time_ms, service, trigger, reason, action, health_before, result) VALUES (?, ?, ?, ?, ?, ?, 'running')
            """, arguments: [MetricStore.milliseconds(time), service, trigger.rawValue, reason, argv, health.rawValue])
        return db.lastInsertedRowID
    }

    /// How the action ended; its lease is given back.
    func finish(_ id: Int64, service: String, result: Remediation.Result, exitStatus: Int32?, duration: TimeInterval, output: String) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE remediations SET result = ?, exit_status = ?, duration_ms = ?, output = ? WHERE id = ?",
                           arguments: [result.rawValue, exitStatus, Int64((duration * 1000).rounded()), output, id])
            try db.execute(sql: "UPDATE remediation_state SET running_until_ms = NULL WHERE service = ?", arguments: [service])
        }
    }

    /// The health of services whose actions' grace has passed, once, into their records; the
    /// records so judged.
    static func judge(_ db: Database, service: String, grace: TimeInterval, status: HealthStatus, at now: Date) throws -> [Remediation] {
        let due = MetricStore.milliseconds(now - grace)
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM remediations WHERE service = ? AND health_after IS NULL AND result != 'running' AND time_ms <= ?
            """, arguments: [service, due])
        try db.execute(sql: """
            UPDATE remediations SET health_after = ?, judged_ms = ?
            WHERE service = ? AND health_after IS NULL AND result != 'running' AND time_ms <= ?
            """, arguments: [status.rawValue, MetricStore.milliseconds(now), service, due])
        return rows.map { var record = Remediation(row: $0); record.healthAfter = status; return record }
    }

    /// Stops automatic actions for a service until `until`, or (nil) resumes them.
    public func pause(_ service: String, until: Date?) throws {
        try store.write { db in
            var state = try Self.state(db, service)
            state.pausedUntil = until
            try Self.save(db, service, state)
        }
    }

    /// Services paused at `now`, with when their pause ends.
    public func paused(at now: Date) throws -> [String: Date] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT service, paused_until_ms FROM remediation_state WHERE paused_until_ms > ?",
                                        arguments: [MetricStore.milliseconds(now)])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["service"], MetricStore.date($0["paused_until_ms"])) })
        }
    }

    /// Records since `since`, newest first, of one service or all.
    public func records(since: Date, service: String?) throws -> [Remediation] {
        try store.read { db in
            var sql = "SELECT * FROM remediations WHERE time_ms >= ?"
            var arguments: StatementArguments = [MetricStore.milliseconds(since)]
            if let service {
                sql += " AND service = ?"
                arguments += [service]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY time_ms DESC, id DESC", arguments: arguments).map(Remediation.init(row:))
        }
    }
}

/// One action, as recorded.
public struct Remediation: Sendable, Equatable, Encodable {
    public enum Trigger: String, Sendable, Codable {
        /// `check` (or serve's check loop) ran it.
        case automatic
        /// `telemetry remediate SERVICE` ran it.
        case manual
    }

    public enum Result: String, Sendable, Codable {
        case running, succeeded, failed
        case timedOut = "timed_out"
        /// The program could not be started (gone since the config was checked).
        case notStarted = "not_started"
    }

    public let id: Int64
    public let time: Date
    public let service: String
    public let trigger: Trigger
    public let reason: String
    public let action: [String]
    public let healthBefore: HealthStatus
    public var result: Result
    public var exitStatus: Int32?
    public var duration: TimeInterval?
    public var output: String
    public var healthAfter: HealthStatus?

    init(id: Int64, time: Date, service: String, trigger: Trigger, reason: String, action: [String], healthBefore: HealthStatus,
         result: Result, exitStatus: Int32?, duration: TimeInterval?, output: String, healthAfter: HealthStatus? = nil) {
        self.id = id
        self.time = time
        self.service = service
        self.trigger = trigger
        self.reason = reason
        self.action = action
        self.healthBefore = healthBefore
        self.result = result
        self.exitStatus = exitStatus
        self.duration = duration
        self.output = output
        self.healthAfter = healthAfter
    }

    init(row: Row) {
        id = row["id"]
        time = MetricStore.date(row["time_ms"])
        service = row["service"]
        trigger = Trigger(rawValue: row["trigger"]) ?? .automatic
        reason = row["reason"]
        action = (try? JSONDecoder().decode([String].self, from: Data((row["action"] as String).utf8))) ?? []
        healthBefore = HealthStatus(rawValue: row["health_before"]) ?? .unknown
        result = Result(rawValue: row["result"]) ?? .failed
        exitStatus = row["exit_status"]
        duration = (row["duration_ms"] as Int64?).map { Double($0) / 1000 }
        output = row["output"]
        healthAfter = (row["health_after"] as String?).flatMap(HealthStatus.init(rawValue:))
    }

    enum CodingKeys: String, CodingKey {
        case id, time, service, trigger, reason, action, healthBefore = "health_before", result, exitStatus = "exit_status",
             duration = "duration_seconds", output, healthAfter = "health_after"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(time, forKey: .time)
        try container.encode(service, forKey: .service)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(reason, forKey: .reason)
        try container.encode(action, forKey: .action)
        try container.encode(healthBefore, forKey: .healthBefore)
        try container.encode(result, forKey: .result)
        try container.encode(exitStatus, forKey: .exitStatus)
        try container.encode(duration, forKey: .duration)
        try container.encode(output, forKey: .output)
        try container.encode(healthAfter, forKey: .healthAfter)
    }
}
