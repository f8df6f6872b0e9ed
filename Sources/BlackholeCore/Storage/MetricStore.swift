import Foundation
import GRDB

/// One value of one series at one instant.
public struct Sample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var time: Date
    public var value: Double

    public init(_ name: String, _ value: Double, labels: [String: String] = [:], time: Date) {
        self.name = name
        self.labels = labels
        self.time = time
        self.value = value
    }
}

/// A series is a metric name with one label set, as in Prometheus.
public struct SeriesKey: Hashable, Sendable, Comparable {
    public var name: String
    public var labels: [String: String]

    public init(_ name: String, labels: [String: String] = [:]) {
        self.name = name
        self.labels = labels
    }

    /// `name{a="1",b="2"}`, labels sorted: stable, readable, and how Prometheus writes it.
    public var text: String {
        labels.isEmpty ? name : name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }

    /// Labels as stored: canonical JSON, so one label set is always one string. Written as
    /// `JSONEncoder` with sorted keys and unescaped slashes writes it (the rows it wrote match).
    var labelsJSON: String {
        SpanJSON.text { out in
            out.append(UInt8(ascii: "{"))
            for (index, label) in labels.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                SpanJSON.string(label.key, into: &out)
                out.append(UInt8(ascii: ":"))
                SpanJSON.string(label.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    init(name: String, labelsJSON: String) {
        self.name = name
        var text = labelsJSON
        labels = (try? text.withUTF8 { bytes in
            try JSONReader.document(UnsafeRawBufferPointer(bytes)) { reader in
                var labels: [String: String] = [:]
                try reader.object { reader, key in labels[key.string] = try reader.string() }
                return labels
            }
        }) ?? [:]
    }

    /// Whether every label in `filter` is present with the same value.
    public func matches(_ filter: [String: String]) -> Bool {
        filter.allSatisfy { labels[$0.key] == $0.value }
    }
}

public struct Point: Sendable, Equatable, Codable {
    public var time: Date
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// The time-series API: record samples, read the latest of each series, read a range.
public struct MetricStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("metrics") { db in
        try db.execute(sql: """
            CREATE TABLE metric_series (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                labels TEXT NOT NULL,
                UNIQUE (name, labels));
            CREATE TABLE metric_samples (
                series_id INTEGER NOT NULL REFERENCES metric_series(id),
                time_ms INTEGER NOT NULL,
                value REAL NOT NULL);
            CREATE INDEX metric_samples_by_series ON metric_samples(series_id, time_ms);
            CREATE INDEX metric_samples_by_time ON metric_samples(time_ms);
            """)
    }

    static let retention = RetentionTarget(
        kind: .metrics, table: "metric_samples", timeColumn: "time_ms", unitsPerSecond: 1000,
        cleanup: "DELETE FROM metric_series WHERE id NOT IN (SELECT series_id FROM metric_samples)")

    public func record(_ samples: [Sample]) throws {
        guard !samples.isEmpty else { return }
        try store.write { db in try Self.insert(db, samples) }
    }

    /// Inserts samples inside a transaction the caller owns.
    static func insert(_ db: Database, _ samples: [Sample]) throws {
        var ids: [SeriesKey: Int64] = [:]
        let statement = try db.cachedStatement(sql: "INSERT INTO metric_samples (series_id, time_ms, value) VALUES (?, ?, ?)")
        for sample in samples {
            let key = SeriesKey(sample.name, labels: sample.labels)
            let id = try ids[key] ?? seriesID(db, key)
            ids[key] = id
            try statement.execute(arguments: [id, milliseconds(sample.time), sample.value])
        }
    }

    /// The series' id, its row made on first use. Both statements stay prepared for the next series.
    private static func seriesID(_ db: Database, _ key: SeriesKey) throws -> Int64 {
        let arguments: StatementArguments = [key.name, key.labelsJSON]
        let select = try db.cachedStatement(sql: "SELECT id FROM metric_series WHERE name = ? AND labels = ?")
        if let id = try Int64.fetchOne(select, arguments: arguments) { return id }
        try db.cachedStatement(sql: "INSERT INTO metric_series (name, labels) VALUES (?, ?)").execute(arguments: arguments)
        return db.lastInsertedRowID
    }

    /// The newest sample of every series (optionally of one metric name).
    public func latest(name: String? = nil) throws -> [Sample] {
        try store.read { db in try Self.latest(db, names: name.map { [$0] }) }
    }

    public func latest(names: Set<String>) throws -> [Sample] {
        try store.read { db in try Self.latest(db, names: names) }
    }

    /// The newest sample of every series of these metrics (all metrics when `nil`).
    static func latest(_ db: Database, names: Set<String>?) throws -> [Sample] {
        var query: SQL = """
            SELECT s.name, s.labels, m.time_ms, m.value
            FROM metric_series s
            JOIN metric_samples m ON m.rowid = (
                SELECT rowid FROM metric_samples WHERE series_id = s.id ORDER BY time_ms DESC LIMIT 1)
            """
        if let names { query += " WHERE s.name IN \(Array(names).sorted())" }
        query += " ORDER BY s.name, s.labels"
        let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: query))
        return rows.map { row in
            let key = SeriesKey(name: row[0], labelsJSON: row[1])
            return Sample(key.name, row[3], labels: key.labels, time: Self.date(row[2]))
        }
    }

    /// For the rules that read history, the samples of their metrics' series over the longest
    /// window any of them has on that metric, ending `now`, oldest first: one indexed range read
    /// per metric, and nothing at all without such rules.
    static func history(_ db: Database, rules: [AlertRule], now: Date) throws -> [SeriesKey: [Point]] {
        var windows: [String: TimeInterval] = [:]
        for rule in rules where rule.condition.readsHistory {
            windows[rule.metric] = max(windows[rule.metric] ?? 0, rule.window)
        }
        var result: [SeriesKey: [Point]] = [:]
        for (name, window) in windows {
            result.merge(try range(db, name: name, from: now - window, to: now), uniquingKeysWith: { first, _ in first })
        }
        return result
    }

    /// Every sample of the matching series between `from` and `to`, oldest first.
    public func range(name: String, labels filter: [String: String] = [:], from: Date, to: Date) throws -> [SeriesKey: [Point]] {
        try store.read { db in try Self.range(db, name: name, from: from, to: to).filter { $0.key.matches(filter) } }
    }

    static func range(_ db: Database, name: String, from: Date, to: Date) throws -> [SeriesKey: [Point]] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.labels, m.time_ms, m.value
            FROM metric_series s JOIN metric_samples m ON m.series_id = s.id
            WHERE s.name = ? AND m.time_ms BETWEEN ? AND ?
            ORDER BY s.id, m.time_ms
            """, arguments: [name, milliseconds(from), milliseconds(to)])
        var result: [SeriesKey: [Point]] = [:]
        for row in rows {
            result[SeriesKey(name: name, labelsJSON: row[0]), default: []].append(Point(time: date(row[1]), value: row[2]))
        }
        return result
    }

    /// Series with samples since `since`: how many, and the newest.
    public func catalog(since: Date) throws -> [SeriesSummary] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, s.labels, COUNT(*), MAX(m.time_ms),
                       (SELECT value FROM metric_samples WHERE series_id = s.id ORDER BY time_ms DESC LIMIT 1)
                FROM metric_series s JOIN metric_samples m ON m.series_id = s.id
                WHERE m.time_ms >= ?
                GROUP BY s.id
                ORDER BY s.name, s.labels
                """, arguments: [Self.milliseconds(since)]
            ).map { row in
                SeriesSummary(key: SeriesKey(name: row[0], labelsJSON: row[1]), count: row[2],
                              lastTime: Self.date(row[3]), lastValue: row[4])
            }
        }
    }

    /// Every metric name ever recorded, for suggestions when a name is mistyped.
    public func names() throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT name FROM metric_series ORDER BY name") }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

public struct SeriesSummary: Sendable, Equatable {
    public let key: SeriesKey
    public let count: Int
    public let lastTime: Date
    public let lastValue: Double
}
