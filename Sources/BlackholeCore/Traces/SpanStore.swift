import Foundation
import GRDB
import GRDBSQLite

/// Spans in the one database.
///
/// - `spans`: one row per span, ids as blobs, attributes/events/links in OTLP/JSON value shapes;
///   indexed by (trace, span id), start time, and (service, start time). A span names its trace by
///   `traces.id`: new traces get growing ids, so that index grows at its end instead of at random
///   places as it would by trace id, and ingestion touches far fewer pages.
/// - `span_origins`: each distinct resource + instrumentation scope, stored once.
/// - `traces`: one summary row per trace (bounds, root, span and error counts, services), kept
///   up to date as spans arrive, so listing traces never aggregates a million spans; the one
///   index by trace id.
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
                trace_ref INTEGER NOT NULL,
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
            CREATE UNIQUE INDEX spans_by_trace ON spans(trace_ref, span_id);
            CREATE INDEX spans_by_start ON spans(start_ns);
            CREATE INDEX spans_by_service ON spans(service, start_ns);
            CREATE TABLE traces (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                trace_id BLOB NOT NULL UNIQUE,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                has_root INTEGER NOT NULL,
                root_service TEXT NOT NULL,
                root_name TEXT NOT NULL,
                span_count INTEGER NOT NULL,
                error_count INTEGER NOT NULL,
                services TEXT NOT NULL);
            CREATE INDEX traces_by_start ON traces(start_ns);
            CREATE INDEX traces_by_end ON traces(end_ns);
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
            try writer.add(PreparedSpan(span))
        }
        _ = try writer.finish()
        try db.execute(sql: "DROP TABLE spans_v1")
    }

    static let retentionTargets = [
        RetentionTarget(kind: .spans, table: "spans", timeColumn: "start_ns", unitsPerSecond: 1e9, cleanup: nil),
        // A summary goes when the trace's last span has gone: a trace straddling the cutoff keeps
        // its summary, so its remaining spans stay reachable and a re-sent span joins them.
        RetentionTarget(kind: .spans, table: "traces", timeColumn: "end_ns", unitsPerSecond: 1e9, cleanup: """
            DELETE FROM span_origins WHERE id NOT IN (SELECT DISTINCT origin_id FROM spans)
            """),
    ]

    /// Writes spans in one transaction. A span already stored (same trace and span id) is
    /// counted as a duplicate and left as it was.
    @discardableResult
    public func write(_ spans: [Span]) throws -> SpanWriteResult {
        try write(prepared: spans.map(PreparedSpan.init))
    }

    /// Spans whose stored text is already made: ingestion makes it on its decoding thread.
    func write(prepared spans: [PreparedSpan]) throws -> SpanWriteResult {
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
            try Row.fetchAll(db, sql: SpanRows.select + """
                 WHERE trace_ref = (SELECT id FROM traces WHERE trace_id = ?) ORDER BY start_ns, spans.rowid
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

/// A span with the stored text of its attributes, events and links, which replaces them: they are
/// freed where they were made, not on the writing thread.
struct PreparedSpan: Sendable {
    let span: Span
    let attributes: String
    let events: String?
    let links: String?

    init(_ span: Span) {
        attributes = SpanJSON.attributes(span.attributes)
        events = SpanJSON.events(span.events)
        links = SpanJSON.links(span.links)
        var bare = span
        bare.attributes = [:]
        bare.events = []
        bare.links = []
        self.span = bare
    }
}

/// Inserts spans and keeps `span_origins` and `traces` in step, inside a transaction the caller
/// owns. Prepared statements are reused for the whole batch.
struct SpanWriter {
    private let db: Database
    private var origins: [SpanOrigin: Int64] = [:]
    private var lastOrigin: (origin: SpanOrigin, id: Int64)?
    /// The traces this batch touches, by id and by `traces.id`, their summaries as stored plus what
    /// the batch adds.
    private var traceRefs: [Data: Int64] = [:]
    private var summaries: [Int64: TraceSummary.Delta] = [:]
    /// What the batch has done so far.
    private(set) var result = SpanWriteResult()
    private var insertSpan: Statement?
    private var findTrace: Statement?
    private var insertTrace: Statement?

    init(db: Database) { self.db = db }

    mutating func add(_ prepared: PreparedSpan) throws {
        let span = prepared.span
        let originID = try originID(span.origin)
        let traceRef = try traceRef(span.traceID)
        let statement = try insertSpan ?? db.makeStatement(sql: """
            INSERT OR IGNORE INTO spans (trace_ref, trace_id, span_id, parent_span_id, origin_id, service, name, kind, start_ns,
                                         end_ns, status_code, status_message, attributes, events, links)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertSpan = statement
        // Bound through SQLite's C API: ingestion runs this for every span.
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        let service = span.service
        sqlite3_bind_int64(handle, 1, traceRef)
        RawBind.blob(handle, 2, span.traceID)
        RawBind.blob(handle, 3, span.spanID)
        if let parent = span.parentSpanID { RawBind.blob(handle, 4, parent) } else { sqlite3_bind_null(handle, 4) }
        sqlite3_bind_int64(handle, 5, originID)
        RawBind.text(handle, 6, service)
        RawBind.text(handle, 7, span.name)
        sqlite3_bind_int64(handle, 8, Int64(span.kind.rawValue))
        sqlite3_bind_int64(handle, 9, Int64(clamping: span.startNanos))
        sqlite3_bind_int64(handle, 10, Int64(clamping: span.endNanos))
        sqlite3_bind_int64(handle, 11, Int64(span.statusCode.rawValue))
        RawBind.text(handle, 12, span.statusMessage)
        RawBind.text(handle, 13, prepared.attributes)
        RawBind.text(handle, 14, prepared.events)
        RawBind.text(handle, 15, prepared.links)
        try RawBind.step(handle, db)
        guard sqlite3_changes(db.sqliteConnection) > 0 else {
            result.duplicates += 1
            return
        }
        result.stored += 1
        summaries[traceRef]!.add(span, service: service)
    }

    /// Writes the summaries of the traces this batch touched.
    mutating func finish() throws -> SpanWriteResult {
        let update = try db.makeStatement(sql: """
            UPDATE traces SET start_ns = ?, end_ns = ?, has_root = ?, root_service = ?, root_name = ?, span_count = ?,
                              error_count = ?, services = ?
            WHERE id = ?
            """)
        let delete = try db.makeStatement(sql: "DELETE FROM traces WHERE id = ?")
        for (traceRef, summary) in summaries {
            if summary.spanCount == 0 {
                // Made for this batch, whose spans of it were all already stored.
                try delete.execute(arguments: [traceRef])
                continue
            }
            try update.execute(arguments: [
                Int64(clamping: summary.startNanos), Int64(clamping: summary.endNanos), summary.hasRoot, summary.rootService,
                summary.rootName, summary.spanCount, summary.errorCount, TraceSummary.Delta.encode(services: summary.services), traceRef,
            ])
        }
        summaries = [:]
        traceRefs = [:]
        return result
    }

    /// The `traces.id` of a trace, made (with an empty summary) when the trace is new.
    private mutating func traceRef(_ traceID: Data) throws -> Int64 {
        if let known = traceRefs[traceID] { return known }
        let find = try findTrace ?? db.makeStatement(sql: "SELECT * FROM traces WHERE trace_id = ?")
        findTrace = find
        let traceRef: Int64
        if let row = try Row.fetchOne(find, arguments: [traceID]) {
            traceRef = row["id"]
            summaries[traceRef] = TraceSummary.Delta(row: row)
        } else {
            let insert = try insertTrace ?? db.makeStatement(sql: """
                INSERT INTO traces (trace_id, start_ns, end_ns, has_root, root_service, root_name, span_count, error_count, services)
                VALUES (?, 0, 0, 0, '', '', 0, 0, '[]')
                """)
            insertTrace = insert
            try insert.execute(arguments: [traceID])
            traceRef = db.lastInsertedRowID
            summaries[traceRef] = TraceSummary.Delta()
        }
        traceRefs[traceID] = traceRef
        return traceRef
    }

    private mutating func originID(_ origin: SpanOrigin) throws -> Int64 {
        // The spans of one request share their origin's storage: equal at a glance, no hashing.
        if let last = lastOrigin, last.origin == origin { return last.id }
        if let id = origins[origin] {
            lastOrigin = (origin, id)
            return id
        }
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
        lastOrigin = (origin, id)
        return id
    }
}

/// Reading stored spans back.
enum SpanRows {
    /// Spans with their origin's columns, as `span(_:)` reads them; conditions follow.
    static let select = """
        SELECT spans.*, span_origins.resource, span_origins.scope_name, span_origins.scope_version, span_origins.scope_attributes
        FROM spans JOIN span_origins ON span_origins.id = spans.origin_id
        """

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

/// Binding values to a prepared statement without GRDB's argument boxing, copied by SQLite.
enum RawBind {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func blob(_ handle: OpaquePointer, _ index: Int32, _ data: Data) {
        data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
    }

    static func step(_ handle: OpaquePointer, _ db: Database) throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage) }
    }

    static func text(_ handle: OpaquePointer, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32($0.count), transient) }
    }
}
