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
///
/// It is the `SpanWriter` and the `SpanReader` (its queries are in SpanStore+Reading.swift).
public struct SpanStore: SpanWriter, SpanReader {
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
        var writer = SpanInsertBatch(db: db)
        let old = try Row.fetchCursor(db, sql: "SELECT * FROM spans_v1")
        while let row = try old.next() {
            var span = Span(traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
                            kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, startNanos: UInt64(row["start_ns"] as Int64),
                            endNanos: UInt64(row["end_ns"] as Int64),
                            statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset, statusMessage: row["status_message"],
                            origin: SpanOrigin(service: row["service"]))
            span.attributes = SpanRows.attributes(row["attributes"])
            try writer.add(EncodedSpan(span))
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

    public func write(_ spans: [EncodedSpan]) throws -> SpanWriteResult {
        guard !spans.isEmpty else { return SpanWriteResult() }
        return try store.write { db in
            var batch = SpanInsertBatch(db: db)
            for span in spans { try batch.add(span) }
            return try batch.finish()
        }
    }

    public func prepareForBulkWrites() throws {
        try store.prepareForBulkWrites()
    }
}

/// Inserts spans and keeps `span_origins` and `traces` in step, inside a transaction the caller
/// owns. Prepared statements are reused for the whole batch.
struct SpanInsertBatch {
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

    mutating func add(_ encoded: EncodedSpan) throws {
        let span = encoded.span
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
        RawBind.text(handle, 13, encoded.attributes)
        RawBind.text(handle, 14, encoded.events)
        RawBind.text(handle, 15, encoded.links)
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

/// A row of `traces` as a summary, and as the start of what a batch adds to it.
extension TraceSummary {
    init(row: Row) {
        let delta = Delta(row: row)
        self.init(traceID: row["trace_id"], rootService: delta.rootService, rootName: delta.rootName, hasRoot: delta.hasRoot,
                  startNanos: delta.startNanos, endNanos: delta.endNanos, spanCount: delta.spanCount, errorCount: delta.errorCount,
                  services: delta.services.sorted())
    }
}

extension TraceSummary.Delta {
    init(row: Row) {
        self.init()
        startNanos = UInt64(row["start_ns"] as Int64)
        endNanos = UInt64(row["end_ns"] as Int64)
        hasRoot = row["has_root"]
        rootService = row["root_service"]
        rootName = row["root_name"]
        rootStart = startNanos
        spanCount = row["span_count"]
        errorCount = row["error_count"]
        services = Set(Self.decode(services: row["services"]))
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
