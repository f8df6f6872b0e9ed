import Foundation
import GRDB
import GRDBSQLite

/// Spans in the one database.
///
/// - `spans`: one row per span, ids as blobs, attributes/events/links as JSON (`SpanJSON`);
///   indexed by (trace, span id) and start time. A span names its trace by
///   `traces.id` and its resource and scope by `span_origins.id`, where the trace id and service
///   are: new traces get growing ids, so that index grows at its end instead of at random places
///   as it would by trace id, and ingestion touches far fewer pages.
/// - `span_origins`: each distinct resource + instrumentation scope, stored once, with the start
///   of its latest span, when it expires.
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
                scope_attributes TEXT NOT NULL,
                last_start_ns INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE spans (
                trace_ref INTEGER NOT NULL,
                span_id BLOB NOT NULL,
                parent_span_id BLOB,
                origin_id INTEGER NOT NULL,
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
        var batch = SpanBatch()
        let old = try Row.fetchCursor(db, sql: "SELECT * FROM spans_v1")
        while let row = try old.next() {
            var span = Span(traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
                            kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, startNanos: UInt64(row["start_ns"] as Int64),
                            endNanos: UInt64(row["end_ns"] as Int64),
                            statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset, statusMessage: row["status_message"],
                            origin: SpanOrigin(service: row["service"]))
            span.attributes = SpanRows.attributes(row["attributes"])
            batch.append(span)
            if batch.count >= 5000 {
                try writer.add(batch)
                batch.removeAll()
            }
        }
        try writer.add(batch)
        _ = try writer.finish()
        try db.execute(sql: "DROP TABLE spans_v1")
    }

    /// Spans stored before kept their trace id and service beside `trace_ref` and `origin_id`,
    /// which name them (26 bytes a span), indexed by service. The table is rewritten without them
    /// (a few seconds a million spans, once), and each origin learns when its last span started,
    /// which is when it expires. Stores made since were made so.
    static let leanMigration = Migration("spans_without_copies") { db in
        guard try db.columns(in: "spans").contains(where: { $0.name == "trace_id" }) else { return }
        try db.execute(sql: """
            DROP INDEX spans_by_service;
            ALTER TABLE spans DROP COLUMN trace_id;
            ALTER TABLE spans DROP COLUMN service;
            ALTER TABLE span_origins ADD COLUMN last_start_ns INTEGER NOT NULL DEFAULT 0;
            UPDATE span_origins SET last_start_ns = latest.start_ns
            FROM (SELECT origin_id, max(start_ns) AS start_ns FROM spans GROUP BY origin_id) AS latest
            WHERE latest.origin_id = span_origins.id;
            """)
    }

    static let retentionTargets = [
        RetentionTarget(kind: .spans, table: "spans", timeColumn: "start_ns", unitsPerSecond: 1e9, cleanup: nil),
        // A summary goes when the trace's last span has gone: a trace straddling the cutoff keeps
        // its summary, so its remaining spans stay reachable and a re-sent span joins them.
        RetentionTarget(kind: .spans, table: "traces", timeColumn: "end_ns", unitsPerSecond: 1e9, cleanup: nil),
        // An origin goes with the last span that names it.
        RetentionTarget(kind: .spans, table: "span_origins", timeColumn: "last_start_ns", unitsPerSecond: 1e9, cleanup: nil),
    ]

    public func write(_ spans: SpanBatch) throws -> SpanWriteResult {
        guard !spans.isEmpty else { return SpanWriteResult() }
        return try store.write { db in
            var batch = SpanInsertBatch(db: db)
            try batch.add(spans)
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
    /// The service of each `span_origins.id` this batch used, and the latest start of its spans.
    private var services: [Int64: String] = [:]
    private var latestStarts: [Int64: UInt64] = [:]
    /// The traces this batch touches: their summaries as stored plus what the batch adds, their
    /// trace ids in the same order, and where each is in `summaries` by trace id.
    private var summaries: [TraceSummary.Delta] = []
    private var traceKeys: [TraceKey] = []
    private var summaryIndex: [TraceKey: Int] = [:]
    /// The id the next trace new to the store gets.
    private var nextTraceRef: Int64?
    /// What the batch has done so far.
    private(set) var result = SpanWriteResult()
    /// Inserting spans, `rowsPerStatement` rows a statement and one for the rest.
    private var insertSpans: [Int: Statement] = [:]
    private var findTrace: Statement?

    /// Rows a statement inserts: SQLite's cost of running a statement (opening its cursors,
    /// halting) is paid once for them instead of once a span.
    static let rowsPerStatement = 16

    init(db: Database) { self.db = db }

    private mutating func insertSpans(_ rows: Int) throws -> OpaquePointer {
        if let statement = insertSpans[rows] { return statement.sqliteStatement }
        let statement = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO spans (trace_ref, span_id, parent_span_id, origin_id, name, kind, start_ns, end_ns, status_code,
                                         status_message, attributes, events, links)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))
            """)
        insertSpans[rows] = statement
        return statement.sqliteStatement
    }

    mutating func add(_ batch: SpanBatch) throws {
        let originIDs = try batch.origins.map { try originID($0) }
        let connection = db.sqliteConnection
        // Bound through SQLite's C API straight from the batch's memory: this runs for every span.
        var last: (trace: TraceKey, summary: Int)?
        var latest = [UInt64](repeating: 0, count: originIDs.count)
        // The summary of each row of a statement.
        var chunkSummaries: [Int] = []
        chunkSummaries.reserveCapacity(Self.rowsPerStatement)
        // The text bound last points into the batch: gone when the batch is.
        defer {
            for statement in insertSpans.values + [findTrace].compactMap({ $0 }) {
                sqlite3_reset(statement.sqliteStatement)
                sqlite3_clear_bindings(statement.sqliteStatement)
            }
        }
        try batch.text.withUnsafeBufferPointer { text in
            var start = batch.rows.startIndex
            while start < batch.rows.endIndex {
                let count = batch.rows.endIndex - start >= Self.rowsPerStatement ? Self.rowsPerStatement : 1
                let chunk = batch.rows[start..<start + count]
                start += count
                let handle = try insertSpans(count)
                sqlite3_reset(handle)
                chunkSummaries.removeAll(keepingCapacity: true)
                for (offset, row) in chunk.enumerated() {
                    let summary: Int
                    if let last, last.trace == row.traceID {
                        summary = last.summary
                    } else {
                        summary = try summaryIndex(row.traceID, row, in: text)
                        last = (row.traceID, summary)
                    }
                    chunkSummaries.append(summary)
                    let column = Int32(offset * 13)
                    sqlite3_bind_int64(handle, column + 1, summaries[summary].traceRef)
                    RawBind.blob(handle, column + 2, row.ids + 16, 8, in: text)
                    if row.isRoot { sqlite3_bind_null(handle, column + 3) } else { RawBind.blob(handle, column + 3, row.ids + 24, 8, in: text) }
                    sqlite3_bind_int64(handle, column + 4, originIDs[row.origin])
                    RawBind.text(handle, column + 5, row.name, in: text)
                    sqlite3_bind_int64(handle, column + 6, Int64(row.kind.rawValue))
                    sqlite3_bind_int64(handle, column + 7, Int64(clamping: row.startNanos))
                    sqlite3_bind_int64(handle, column + 8, Int64(clamping: row.endNanos))
                    sqlite3_bind_int64(handle, column + 9, Int64(row.statusCode.rawValue))
                    RawBind.text(handle, column + 10, row.statusMessage, in: text)
                    RawBind.text(handle, column + 11, row.attributes, in: text)
                    RawBind.text(handle, column + 12, row.events, in: text)
                    RawBind.text(handle, column + 13, row.links, in: text)
                }
                try RawBind.step(handle, db)
                let changes = Int(sqlite3_changes(connection))
                result.stored += changes
                result.duplicates += count - changes
                let stored = changes == count ? nil : try storedRows(chunk, summaries: chunkSummaries, changes: changes, text: text)
                for (offset, row) in chunk.enumerated() where stored?[offset] ?? true {
                    summaries[chunkSummaries[offset]].add(row, origin: originIDs[row.origin], in: text)
                    latest[row.origin] = max(latest[row.origin], row.startNanos)
                }
            }
        }
        for (index, id) in originIDs.enumerated() {
            if services[id] == nil { services[id] = batch.origins[index].service }
            latestStarts[id] = max(latestStarts[id] ?? 0, latest[index])
        }
    }

    /// Which rows of a statement that ignored some (already stored, or twice in it) were
    /// inserted. Its rows got the rowids after the table's last, in the order of its `VALUES`, so
    /// they are read back in that order and matched in turn.
    private func storedRows(_ chunk: ArraySlice<SpanBatch.Row>, summaries chunkSummaries: [Int], changes: Int,
                            text: UnsafeBufferPointer<UInt8>) throws -> [Bool] {
        guard changes > 0 else { return Array(repeating: false, count: chunk.count) }
        let first = db.lastInsertedRowID - Int64(changes) + 1
        let inserted = try Row.fetchAll(db, sql: "SELECT trace_ref, span_id FROM spans WHERE rowid >= ? ORDER BY rowid", arguments: [first])
        var next = inserted.startIndex
        return chunk.enumerated().map { offset, row in
            guard next < inserted.endIndex, inserted[next][0] == summaries[chunkSummaries[offset]].traceRef,
                  (inserted[next][1] as Data).elementsEqual(text[row.ids + 16..<row.ids + 24]) else { return false }
            next += 1
            return true
        }
    }

    /// Writes the summaries of the traces this batch touched: a new trace's row is written here,
    /// whole, once.
    mutating func finish() throws -> SpanWriteResult {
        let write = try db.makeStatement(sql: """
            INSERT INTO traces (start_ns, end_ns, has_root, root_service, root_name, span_count, error_count, services, id, trace_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET start_ns = excluded.start_ns, end_ns = excluded.end_ns, has_root = excluded.has_root,
                root_service = excluded.root_service, root_name = excluded.root_name, span_count = excluded.span_count,
                error_count = excluded.error_count, services = excluded.services
            """)
        let handle = write.sqliteStatement
        var knownServices: [[Int64]: String] = [:]
        for (index, key) in traceKeys.enumerated() {
            var summary = summaries[index]
            let servicesText = summary.resolve(services: services, known: &knownServices)
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, Int64(clamping: summary.startNanos))
            sqlite3_bind_int64(handle, 2, Int64(clamping: summary.endNanos))
            sqlite3_bind_int64(handle, 3, summary.hasRoot ? 1 : 0)
            RawBind.text(handle, 4, summary.rootService)
            RawBind.text(handle, 5, summary.rootName)
            sqlite3_bind_int64(handle, 6, Int64(summary.spanCount))
            sqlite3_bind_int64(handle, 7, Int64(summary.errorCount))
            RawBind.text(handle, 8, servicesText)
            sqlite3_bind_int64(handle, 9, summary.traceRef)
            var bytes = (key.high.bigEndian, key.low.bigEndian)
            _ = withUnsafeBytes(of: &bytes) { sqlite3_bind_blob(handle, 10, $0.baseAddress, 16, RawBind.transient) }
            try RawBind.step(handle, db)
        }
        let touch = try db.makeStatement(sql: "UPDATE span_origins SET last_start_ns = max(last_start_ns, ?) WHERE id = ?")
        for (id, start) in latestStarts where start > 0 { try touch.execute(arguments: [Int64(clamping: start), id]) }
        summaries = []
        traceKeys = []
        summaryIndex = [:]
        latestStarts = [:]
        nextTraceRef = nil
        return result
    }

    /// Where the trace's summary is in `summaries`: as stored, or empty with the id a trace new to
    /// the store gets (its row is written by `finish`).
    private mutating func summaryIndex(_ trace: TraceKey, _ row: SpanBatch.Row, in text: UnsafeBufferPointer<UInt8>) throws -> Int {
        if let known = summaryIndex[trace] { return known }
        let find = try findTrace ?? db.makeStatement(sql: "SELECT id FROM traces WHERE trace_id = ?")
        findTrace = find
        let handle = find.sqliteStatement
        sqlite3_reset(handle)
        RawBind.blob(handle, 1, row.ids, 16, in: text)
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            let id = sqlite3_column_int64(handle, 0)
            sqlite3_reset(handle)
            let stored = try Row.fetchOne(db, sql: "SELECT * FROM traces WHERE id = ?", arguments: [id])!
            summaries.append(TraceSummary.Delta(row: stored))
        case SQLITE_DONE:
            // AUTOINCREMENT: ids are never given twice, not even those of deleted traces.
            let id = try nextTraceRef ?? Int64.fetchOne(db, sql: """
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'traces'), 0),
                           coalesce((SELECT max(id) FROM traces), 0)) + 1
                """)!
            nextTraceRef = id + 1
            summaries.append(TraceSummary.Delta(traceRef: id))
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage)
        }
        traceKeys.append(trace)
        summaryIndex[trace] = summaries.count - 1
        return summaries.count - 1
    }

    private mutating func originID(_ origin: SpanOrigin) throws -> Int64 {
        if let id = origins[origin] { return id }
        let key = SpanJSON.text { key in
            key += #"{"resource":"#.utf8
            SpanJSON.write(origin.resource, into: &key)
            key += #","scope":["#.utf8
            SpanJSON.string(origin.scopeName, into: &key)
            key.append(UInt8(ascii: ","))
            SpanJSON.string(origin.scopeVersion, into: &key)
            key.append(UInt8(ascii: ","))
            SpanJSON.write(origin.scopeAttributes, into: &key)
            key += "]}".utf8
        }
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
        self.init(traceRef: row["id"])
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
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Bytes of a batch's buffer, which outlives the statement's step: not copied.
    static func blob(_ handle: OpaquePointer, _ index: Int32, _ start: Int, _ count: Int, in buffer: UnsafeBufferPointer<UInt8>) {
        sqlite3_bind_blob(handle, index, buffer.baseAddress! + start, Int32(count), nil)
    }

    /// Text of a batch's buffer, which outlives the statement's step: not copied.
    static func text(_ handle: OpaquePointer, _ index: Int32, _ range: SpanBatch.Text, in buffer: UnsafeBufferPointer<UInt8>) {
        guard range.count >= 0 else {
            sqlite3_bind_null(handle, index)
            return
        }
        guard range.count > 0, let base = buffer.baseAddress else {
            sqlite3_bind_text(handle, index, "", 0, transient)
            return
        }
        sqlite3_bind_text(handle, index, UnsafeRawPointer(base + range.start).assumingMemoryBound(to: CChar.self), Int32(range.count), nil)
    }

    /// A string, copied by SQLite.
    static func text(_ handle: OpaquePointer, _ index: Int32, _ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else {
                sqlite3_bind_text(handle, index, "", 0, transient)
                return
            }
            sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
        }
    }

    static func step(_ handle: OpaquePointer, _ db: Database) throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage) }
    }
}
