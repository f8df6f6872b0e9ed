import Foundation
import GRDB

/// Alert state between runs, the history of what fired and resolved, silences, and the outbox
/// of notifications not yet delivered.
public struct AlertStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("alerts") { db in
        try db.execute(sql: """
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY NOT NULL,
                rule_id TEXT NOT NULL,
                data BLOB NOT NULL);
            CREATE TABLE alert_events (
                time_ms INTEGER NOT NULL,
                alert_id TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                event TEXT NOT NULL,
                severity TEXT NOT NULL,
                labels TEXT NOT NULL,
                value REAL NOT NULL,
                message TEXT NOT NULL);
            CREATE INDEX alert_events_by_time ON alert_events(time_ms);
            CREATE TABLE silences (
                id TEXT PRIMARY KEY NOT NULL,
                ends_ms INTEGER NOT NULL,
                data BLOB NOT NULL);
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_ms INTEGER NOT NULL,
                channel TEXT NOT NULL,
                payload BLOB NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                claimed_until_ms INTEGER,
                last_error TEXT,
                expired_ms INTEGER);
            """)
    }

    /// How every delivery run ended, per channel, for `/metrics`: kept in the store because cron's
    /// runs and serve's deliver alike.
    static let notificationCountsMigration = Migration("notification_counts") { db in
        try db.execute(sql: """
            CREATE TABLE notification_counts (
                channel TEXT NOT NULL,
                result TEXT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (channel, result))
            """)
    }

    /// Since when a notification has been failing, and whether its channel's fallback has had it.
    static let outboxFallbackMigration = Migration("outbox_fallback") { db in
        try db.execute(sql: """
            ALTER TABLE outbox ADD COLUMN first_failed_ms INTEGER;
            ALTER TABLE outbox ADD COLUMN fallback_sent INTEGER NOT NULL DEFAULT 0;
            """)
    }

    /// Each channel's latest answer, for `alerts channels`: when it last took a notification, and
    /// how many tries in a row it has failed since (none until it is first tried).
    static let channelDeliveriesMigration = Migration("channel_deliveries") { db in
        try db.execute(sql: """
            CREATE TABLE channel_deliveries (
                channel TEXT PRIMARY KEY NOT NULL,
                last_success_ms INTEGER,
                last_failure_ms INTEGER,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT)
            """)
    }

    /// Notifications that a newer one replaces while they wait (Alertmanager's states of one alert).
    static let outboxReplacesMigration = Migration("outbox_replaces") { db in
        try db.execute(sql: """
            ALTER TABLE outbox ADD COLUMN replaces TEXT;
            CREATE INDEX outbox_by_replaces ON outbox(channel, replaces) WHERE replaces IS NOT NULL;
            """)
    }

    static let retentionTargets = [
        RetentionTarget(kind: .alerts, table: "alert_events", timeColumn: "time_ms", unitsPerSecond: 1000, cleanup: nil),
        RetentionTarget(kind: .alerts, table: "silences", timeColumn: "ends_ms", unitsPerSecond: 1000, cleanup: nil),
        RetentionTarget(kind: .alerts, table: "outbox", timeColumn: "expired_ms", unitsPerSecond: 1000, cleanup: nil),
    ]


    // MARK: Active alerts

    public func active() throws -> [ActiveAlert] {
        try store.read(Self.active)
    }

    static func active(_ db: Database) throws -> [ActiveAlert] {
        try Data.fetchAll(db, sql: "SELECT data FROM alerts ORDER BY rule_id, id").compactMap {
            try? JSONDecoder().decode(ActiveAlert.self, from: $0)
        }
    }

    static func replaceActive(_ db: Database, with alerts: [ActiveAlert]) throws {
        try db.execute(sql: "DELETE FROM alerts")
        let encoder = JSONEncoder()
        for alert in alerts {
            try db.execute(sql: "INSERT INTO alerts (id, rule_id, data) VALUES (?, ?, ?)",
                           arguments: [alert.id, alert.ruleID, try encoder.encode(alert)])
        }
    }

    /// Acknowledges the firing alert whose id starts with `prefix`, and puts what `notifications`
    /// makes of it in the outbox in the same transaction.
    public func acknowledge(_ prefix: String, at now: Date,
                            notifications: (ActiveAlert) -> [Notification] = { _ in [] }) throws -> ActiveAlert {
        try store.write { db in
            let matches = try Self.active(db).filter { $0.id.hasPrefix(prefix.lowercased()) }
            guard matches.count == 1, var alert = matches.first else {
                throw BlackholeError(.usage, matches.isEmpty
                    ? "no active alert with id \(prefix) ('blackhole telemetry alerts list' shows them)"
                    : "alert id \(prefix) is ambiguous: \(matches.map(\.id).joined(separator: ", "))")
            }
            guard alert.phase == .firing else { throw BlackholeError(.usage, "alert \(alert.id) is pending, not firing") }
            alert.acknowledgedAt = now
            try db.execute(sql: "UPDATE alerts SET data = ? WHERE id = ?", arguments: [try JSONEncoder().encode(alert), alert.id])
            try Self.appendEvent(db, event: "acknowledged", alert: alert, at: now)
            try Self.enqueue(db, notifications(alert), at: now)
            return alert
        }
    }

    // MARK: History

    static func appendEvent(_ db: Database, event: String, alert: ActiveAlert, at time: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO alert_events (time_ms, alert_id, rule_id, event, severity, labels, value, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [MetricStore.milliseconds(time), alert.id, alert.ruleID, event, alert.severity.rawValue,
                        SeriesKey(alert.metric, labels: alert.labels).labelsJSON, alert.value, alert.message])
    }

    public func history(since: Date) throws -> [AlertEvent] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_events WHERE time_ms >= ? ORDER BY time_ms, rowid",
                             arguments: [MetricStore.milliseconds(since)]).map { row in
                AlertEvent(time: MetricStore.date(row["time_ms"]), alertID: row["alert_id"], ruleID: row["rule_id"],
                           event: row["event"], severity: AlertSeverity(rawValue: row["severity"]) ?? .warning,
                           labels: SeriesKey(name: "", labelsJSON: row["labels"]).labels, value: row["value"], message: row["message"])
            }
        }
    }

    // MARK: Silences

    public func silences(at now: Date) throws -> [Silence] {
        try store.read { try Self.silences($0, at: now) }
    }

    static func silences(_ db: Database, at now: Date) throws -> [Silence] {
        try Data.fetchAll(db, sql: "SELECT data FROM silences WHERE ends_ms > ? ORDER BY ends_ms",
                          arguments: [MetricStore.milliseconds(now)]).compactMap { try? JSONDecoder().decode(Silence.self, from: $0) }
    }

    public func add(_ silence: Silence) throws {
        try store.write { db in
            try db.execute(sql: "INSERT INTO silences (id, ends_ms, data) VALUES (?, ?, ?)",
                           arguments: [silence.id, MetricStore.milliseconds(silence.endsAt), try JSONEncoder().encode(silence)])
        }
    }

    /// Ends the active silences with this id (or id prefix), or all of one rule's; returns how many.
    public func endSilences(id: String?, ruleID: String?, at now: Date) throws -> Int {
        try store.write { db in
            let ended = try Self.silences(db, at: now).filter { silence in
                (id.map { silence.id.hasPrefix($0.lowercased()) } ?? true) && (ruleID.map { silence.ruleID == $0 } ?? true)
            }
            for var silence in ended {
                silence.endsAt = now
                try db.execute(sql: "UPDATE silences SET ends_ms = ?, data = ? WHERE id = ?",
                               arguments: [MetricStore.milliseconds(now), try JSONEncoder().encode(silence), silence.id])
            }
            return ended.count
        }
    }

    // MARK: Outbox

    static func enqueue(_ db: Database, _ notifications: [Notification], at now: Date) throws {
        for notification in notifications {
            // An older state still waiting (and not being sent right now) is out of date; the newer
            // one takes over how long it has been failing and whether the fallback had it.
            var failingSince: Int64?
            var fallbackSent = false
            if let key = notification.replaces {
                let waiting = """
                    FROM outbox WHERE channel = ? AND replaces = ? AND expired_ms IS NULL
                      AND (claimed_until_ms IS NULL OR claimed_until_ms < ?)
                    """
                let arguments: StatementArguments = [notification.channel, key, MetricStore.milliseconds(now)]
                if let row = try Row.fetchOne(db, sql: "SELECT MIN(first_failed_ms) AS since, MAX(fallback_sent) AS sent " + waiting,
                                              arguments: arguments) {
                    failingSince = row["since"]
                    fallbackSent = row["sent"] ?? false
                }
                try db.execute(sql: "DELETE " + waiting, arguments: arguments)
            }
            try db.execute(
                sql: "INSERT INTO outbox (created_ms, channel, payload, replaces, first_failed_ms, fallback_sent) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [MetricStore.milliseconds(now), notification.channel, notification.payload, notification.replaces,
                            failingSince, fallbackSent])
        }
    }

    /// What became of a notification in a delivery run.
    public enum DeliveryResult: String, Sendable, CaseIterable {
        case delivered, failed, expired
    }

    static func countNotification(_ db: Database, channel: String, result: DeliveryResult) throws {
        try db.execute(sql: """
            INSERT INTO notification_counts (channel, result, count) VALUES (?, ?, 1)
            ON CONFLICT (channel, result) DO UPDATE SET count = count + 1
            """, arguments: [channel, result.rawValue])
    }

    /// A try of a channel: a success clears its run of failures, a failure adds one.
    static func recordTry(_ db: Database, channel: String, error: String?, at time: Date) throws {
        let ms = MetricStore.milliseconds(time)
        if let error {
            try db.execute(sql: """
                INSERT INTO channel_deliveries (channel, last_failure_ms, consecutive_failures, last_error) VALUES (?, ?, 1, ?)
                ON CONFLICT (channel) DO UPDATE SET last_failure_ms = excluded.last_failure_ms,
                  consecutive_failures = consecutive_failures + 1, last_error = excluded.last_error
                """, arguments: [channel, ms, error])
        } else {
            try db.execute(sql: """
                INSERT INTO channel_deliveries (channel, last_success_ms, consecutive_failures) VALUES (?, ?, 0)
                ON CONFLICT (channel) DO UPDATE SET last_success_ms = excluded.last_success_ms, consecutive_failures = 0
                """, arguments: [channel, ms])
        }
    }

    /// What the store knows of each channel it has notifications or tries for, by name.
    public func channelDeliveries() throws -> [String: ChannelDeliveries] {
        try store.read { db in
            var found: [String: ChannelDeliveries] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM channel_deliveries") {
                found[row["channel"]] = ChannelDeliveries(
                    lastSuccess: (row["last_success_ms"] as Int64?).map(MetricStore.date), lastFailure: (row["last_failure_ms"] as Int64?).map(MetricStore.date),
                    consecutiveFailures: row["consecutive_failures"], lastError: row["last_error"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT channel, COUNT(*) AS n FROM outbox WHERE expired_ms IS NULL GROUP BY channel") {
                found[row["channel"], default: ChannelDeliveries()].pending = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT channel, result, count FROM notification_counts") {
                guard let result = DeliveryResult(rawValue: row["result"]) else { continue }
                found[row["channel"], default: ChannelDeliveries()].totals[result.rawValue] = row["count"]
            }
            return found
        }
    }

    /// Every delivery run's outcomes so far, per channel and result.
    public func notificationCounts() throws -> [(channel: String, result: DeliveryResult, count: Int)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT channel, result, count FROM notification_counts ORDER BY channel, result").compactMap { row in
                DeliveryResult(rawValue: row["result"]).map { (row["channel"], $0, row["count"]) }
            }
        }
    }

    /// Notifications waiting for delivery (not given up on).
    public func pendingNotifications() throws -> Int {
        try store.read(Self.pendingNotifications)
    }

    static func pendingNotifications(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE expired_ms IS NULL") ?? 0
    }
}

/// A channel's deliveries as the store has them.
public struct ChannelDeliveries: Sendable, Equatable {
    public var lastSuccess: Date?
    public var lastFailure: Date?
    public var consecutiveFailures = 0
    public var lastError: String?
    /// Notifications waiting in the outbox for it.
    public var pending = 0
    /// Notifications delivered, not delivered in a run (tried and failed, or not tried: the
    /// channel failed earlier in that run) and expired so far.
    public var totals: [String: Int] = [:]
}

/// One line of `alerts history`.
public struct AlertEvent: Sendable, Equatable, Encodable {
    public let time: Date
    public let alertID: String
    public let ruleID: String
    public let event: String
    public let severity: AlertSeverity
    public let labels: [String: String]
    public let value: Double
    public let message: String

    enum CodingKeys: String, CodingKey {
        case time, alertID = "alert_id", ruleID = "rule_id", event, severity, labels, value, message
    }
}
