import Foundation
import GRDB

/// Spans in the one database.
///
/// - `spans`: one row per span, ids as blobs, attributes/events/links in OTLP/JSON value shapes;
///   indexed by (trace id, span id), start time, and (service, start time).
/// - `span_origins`: each distinct resource + instrumentation scope, stored once.
/// - `traces`: one summary row per trace (bounds, root, span and error counts, services), kept
///   up to date as spans arrive, so listing traces never aggregates a million spans.
public struct SpanStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("spans") { db in
        try db.execute(sql: """
            CREATE TABLE spans (
                trace_id BLOB NOT NULL,
                span_id BLOB NOT NULL,
                parent_span_id BLOB,
                service TEXT NOT NULL,
                name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                status_code INTEGER NOT NULL,
                status_message TEXT NOT NULL,
                attributes TEXT NOT NULL,
                PRIMARY KEY (trace_id, span_id));
            CREATE INDEX spans_by_start ON spans(start_ns);
            CREATE INDEX spans_by_service ON spans(service, start_ns);
            """)
    }

    /// Events, links, resource and scope; trace summaries. Spans of the first schema are kept.
    static let originsMigration = Migration("spans_origins_and_traces") { db in
        try db.execute(sql: """
            ALTER TABLE spans RENAME TO spans_v1;
            DROP INDEX spans_by_start;
            DROP INDEX spans_by_service;
            CREATE TABLE span_origins (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                service TEXT NOT NULL,
                resource TEXT NOT NULL,
                scope_name TEXT NOT NULL,
                scope_version TEXT NOT NULL,
                scope_attributes TEXT NOT NULL);
            CREATE TABLE spans (
                trace_id BLOB NOT NULL,
                span_id BLOB NOT NULL,
                parent_span_id BLOB,
                origin_id INTEGER NOT NULL,
                service TEXT NOT NULL,
                name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                status_code INTEGER NOT NULL,
                status_message TEXT NOT NULL,
                attributes TEXT NOT NULL,
                events TEXT,
                links TEXT);
            CREATE UNIQUE INDEX spans_by_trace ON spans(trace_id, span_id);
            CREATE INDEX spans_by_start ON spans(start_ns);
            CREATE INDEX spans_by_service ON spans(service, start_ns);
            CREATE TABLE traces (
                trace_id BLOB NOT NULL PRIMARY KEY,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                has_root INTEGER NOT NULL,
                root_service TEXT NOT NULL,
                root_name TEXT NOT NULL,
                span_count INTEGER NOT NULL,
                error_count INTEGER NOT NULL,
                services TEXT NOT NULL);
            CREATE INDEX traces_by_start ON traces(start_ns);
            """)
        // Carry the first schema's spans over, through the same writer as new ones.
        var writer = SpanWriter(db: db)
        let old = try Row.fetchCursor(db, sql: "SELECT * FROM spans_v1")
        while let row = try old.next() {
            var span = Span(traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
                            kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, startNanos: UInt64(row["start_ns"] as Int64),
                            endNanos: UInt64(row["end_ns"] as Int64),
                            statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset, statusMessage: row["status_message"],
                            origin: SpanOrigin(service: row["service"]))
            span.attributes = SpanRows.attributes(row["attributes"])
            try writer.add(span)
        }
        try writer.finish()
        try db.execute(sql: "DROP TABLE spans_v1")
    }

    static let retentionTargets = [
        RetentionTarget(kind: .spans, table: "spans", timeColumn: "start_ns", unitsPerSecond: 1e9, cleanup: nil),
        RetentionTarget(kind: .spans, table: "traces", timeColumn: "start_ns", unitsPerSecond: 1e9, cleanup: """
            DELETE FROM span_origins WHERE id NOT IN (SELECT DISTINCT origin_id FROM spans)
            """),
    ]

    /// Writes spans in one transaction. A span already stored (same trace and span id) is
    /// counted as a duplicate and left as it was.
    @discardableResult
    public func write(_ spans: [Span]) throws -> SpanWriteResult {
        guard !spans.isEmpty else { return SpanWriteResult() }
        return try store.write { db in
            var writer = SpanWriter(db: db)
            for span in spans { try writer.add(span) }
            return try writer.finish()
        }
    }

    /// One trace's spans, by start time.
    public func trace(_ traceID: Data) throws -> [Span] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT spans.*, span_origins.resource, span_origins.scope_name, span_origins.scope_version,
                       span_origins.scope_attributes
                FROM spans JOIN span_origins ON span_origins.id = spans.origin_id
                WHERE trace_id = ? ORDER BY start_ns, spans.rowid
                """, arguments: [traceID]).map(SpanRows.span)
        }
    }
}

public struct SpanWriteResult: Sendable, Equatable {
    /// Spans newly stored.
    public var stored = 0
    /// Spans that were already in the database.
    public var duplicates = 0

    public init(stored: Int = 0, duplicates: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
    }
}

/// Inserts spans and keeps `span_origins` and `traces` in step, inside a transaction the caller
/// owns. Prepared statements are reused for the whole batch.
struct SpanWriter {
    private let db: Database
    private var origins: [SpanOrigin: Int64] = [:]
    private var summaries: [Data: TraceSummary.Delta] = [:]
    private var result = SpanWriteResult()
    private var insertSpan: Statement?

    init(db: Database) { self.db = db }

    mutating func add(_ span: Span) throws {
        let originID = try originID(span.origin)
        let statement = try insertSpan ?? db.makeStatement(sql: """
            INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, origin_id, service, name, kind, start_ns, end_ns,
                                         status_code, status_message, attributes, events, links)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertSpan = statement
        let service = span.service
        statement.setUncheckedArguments([
            span.traceID, span.spanID, span.parentSpanID, originID, service, span.name, span.kind.rawValue,
            Int64(clamping: span.startNanos), Int64(clamping: span.endNanos), span.statusCode.rawValue, span.statusMessage,
            SpanJSON.attributes(span.attributes), SpanJSON.events(span.events), SpanJSON.links(span.links),
        ])
        try statement.execute()
        guard db.changesCount > 0 else {
            result.duplicates += 1
            return
        }
        result.stored += 1
        summaries[span.traceID, default: TraceSummary.Delta()].add(span, service: service)
    }

    mutating func finish() throws -> SpanWriteResult {
        let select = try db.makeStatement(sql: "SELECT * FROM traces WHERE trace_id = ?")
        let upsert = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO traces (trace_id, start_ns, end_ns, has_root, root_service, root_name, span_count, error_count,
                                           services)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (traceID, delta) in summaries {
            var merged = delta
            if let row = try Row.fetchOne(select, arguments: [traceID]) { merged.merge(TraceSummary.Delta(row: row)) }
            upsert.setUncheckedArguments([
                traceID, Int64(clamping: merged.startNanos), Int64(clamping: merged.endNanos), merged.hasRoot, merged.rootService,
                merged.rootName, merged.spanCount, merged.errorCount, TraceSummary.Delta.encode(services: merged.services),
            ])
            try upsert.execute()
        }
        summaries = [:]
        return result
    }

    private mutating func originID(_ origin: SpanOrigin) throws -> Int64 {
        if let id = origins[origin] { return id }
        var key = "{\"resource\":"
        SpanJSON.write(origin.resource, into: &key)
        key += ",\"scope\":["
        SpanJSON.string(origin.scopeName, into: &key)
        key += ","
        SpanJSON.string(origin.scopeVersion, into: &key)
        key += ","
        SpanJSON.write(origin.scopeAttributes, into: &key)
        key += "]}"
        let id: Int64
        if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM span_origins WHERE key = ?", arguments: [key]) {
            id = existing
        } else {
            try db.execute(sql: """
                INSERT INTO span_origins (key, service, resource, scope_name, scope_version, scope_attributes)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [key, origin.service, SpanJSON.attributes(origin.resource), origin.scopeName, origin.scopeVersion,
                                 SpanJSON.attributes(origin.scopeAttributes)])
            id = db.lastInsertedRowID
        }
        origins[origin] = id
        return id
    }
}

/// Reading stored spans back.
enum SpanRows {
    private struct StoredEvent: Decodable {
        var time_unix_nano: String
        var name: String
        var attributes: Attributes
    }

    private struct StoredLink: Decodable {
        var trace_id: String
        var span_id: String
        var trace_state: String
        var attributes: Attributes
    }

    static func attributes(_ text: String?) -> Attributes {
        guard let text else { return [:] }
        return (try? JSONDecoder().decode(Attributes.self, from: Data(text.utf8))) ?? [:]
    }

    /// A row of `spans` joined with its origin's columns.
    static func span(_ row: Row) -> Span {
        let decoder = JSONDecoder()
        let events = (row["events"] as String?).flatMap { try? decoder.decode([StoredEvent].self, from: Data($0.utf8)) } ?? []
        let links = (row["links"] as String?).flatMap { try? decoder.decode([StoredLink].self, from: Data($0.utf8)) } ?? []
        return Span(
            traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
            kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, startNanos: UInt64(row["start_ns"] as Int64),
            endNanos: UInt64(row["end_ns"] as Int64), statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset,
            statusMessage: row["status_message"], attributes: attributes(row["attributes"]),
            events: events.map { Span.Event(timeNanos: UInt64($0.time_unix_nano) ?? 0, name: $0.name, attributes: $0.attributes) },
            links: links.map {
                Span.Link(traceID: Data(hex: $0.trace_id) ?? Data(), spanID: Data(hex: $0.span_id) ?? Data(), traceState: $0.trace_state,
                          attributes: $0.attributes)
            },
            origin: SpanOrigin(resource: attributes(row["resource"]), scopeName: row["scope_name"], scopeVersion: row["scope_version"],
                               scopeAttributes: attributes(row["scope_attributes"])))
    }
}
