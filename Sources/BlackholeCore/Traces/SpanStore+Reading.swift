import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// `SpanStore` answering the `SpanReader` queries in SQL: every statement that reads spans or
/// trace summaries is here.
extension SpanStore {
    public func traces(_ filter: TraceFilter) throws -> [TraceSummary] {
        var conditions = ["start_ns >= ?"]
        let since = Self.nanos(filter.since)
        // Optional elements, as the statement takes them: an array of `any DatabaseValueConvertible`
        // would be converted element by element with a dynamic cast.
        var arguments: [(any DatabaseValueConvertible)?] = [since]
        if let until = filter.until {
            conditions.append("start_ns < ?")
            arguments.append(Self.nanos(until))
        }
        if let service = filter.service {
            conditions.append(Self.tookPart)
            arguments.append(Self.tookPartArgument(service))
        }
        if let minimum = filter.minDuration {
            conditions.append("end_ns - start_ns >= ?")
            arguments.append(Span.nanoseconds(minimum))
        }
        if let threshold = filter.longerThan {
            conditions.append("end_ns - start_ns > ?")
            arguments.append(Span.nanoseconds(threshold))
        }
        if let maximum = filter.maxDuration {
            conditions.append("end_ns - start_ns <= ?")
            arguments.append(Span.nanoseconds(maximum))
        }
        switch filter.status {
        case .error?: conditions.append("error_count > 0")
        case .ok?: conditions.append("error_count = 0")
        case nil: break
        }
        if let errors = filter.minErrors {
            conditions.append("error_count >= ?")
            arguments.append(errors)
        }
        if let name = filter.name {
            conditions.append("id IN (SELECT trace_ref FROM spans WHERE start_ns >= ? AND name LIKE ? ESCAPE '\\')")
            arguments += [since, "%" + Self.escapeLike(name) + "%"]
        }
        for (key, value) in filter.attributes {
            // A JSON path names keys between double quotes, with no way to escape one.
            guard !key.contains("\""), !key.contains("\\") else {
                throw BlackholeError(.usage, "--attr: an attribute key cannot contain quotes or backslashes: \(key)")
            }
            let spanValue = Self.attributeText("attributes", key: key)
            let resourceValue = Self.attributeText("resource", key: key)
            conditions.append("""
                id IN (SELECT trace_ref FROM spans WHERE start_ns >= ? AND (\(spanValue) = ? OR origin_id IN (
                    SELECT id FROM span_origins WHERE \(resourceValue) = ?)))
                """)
            arguments += [since, value, value]
        }
        var sql = "SELECT * FROM traces WHERE \(conditions.joined(separator: " AND ")) ORDER BY "
        sql += (filter.order == .newestFirst ? "start_ns DESC" : "end_ns - start_ns DESC") + " LIMIT ?"
        arguments.append(filter.limit)
        return try store.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(TraceSummary.init(row:))
        }
    }

    public func traces(idPrefix prefix: String, limit: Int) throws -> [TraceSummary] {
        // The ids starting with the prefix lie between it padded with 0s and with fs.
        guard let low = Data(hex: prefix.padding(toLength: 32, withPad: "0", startingAt: 0)),
              let high = Data(hex: prefix.padding(toLength: 32, withPad: "f", startingAt: 0)) else { return [] }
        return try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM traces WHERE trace_id BETWEEN ? AND ? LIMIT ?", arguments: [low, high, limit])
                .map(TraceSummary.init(row:))
        }
    }

    public func trace(_ traceID: Data) throws -> [Span] {
        try store.read { db in
            try Row.fetchAll(db, sql: SpanRows.select() + """
                 WHERE trace_ref = (SELECT id FROM traces WHERE trace_id = ?) ORDER BY spans.start_ns, spans.rowid
                """, arguments: [traceID]).map(SpanRows.span)
        }
    }

    /// Where the spans starting in `[since, until)` lie. Spans are mostly written in the order
    /// they start, so when the rowids of the window's spans are not spread over much more than
    /// their number, that range of the table is read in order; otherwise each span is found
    /// through the index by start, a seek per span (a million spans: 0.27 s against 0.73 s).
    /// Rows read by rowid come in the order they were written, not by start. A window holding
    /// every stored span (`analyze --since 1h` on a node that keeps an hour) is the whole table,
    /// found in four index lookups instead of a walk of the index.
    struct SpanWindow {
        let since: Int64
        let until: Int64
        /// The rowids between which the window's spans lie, when they are read by rowid.
        let rowids: ClosedRange<Int64>?
        /// How many spans the window holds (through the index), or may hold (by rowid).
        let size: Int64

        init(_ db: Database, since: Int64, until: Int64) throws {
            self.since = since
            self.until = until
            // One aggregate a statement: SQLite answers a lone min() or max() from the end of an index.
            let extent = try Row.fetchOne(db, sql: """
                SELECT (SELECT min(start_ns) FROM spans), (SELECT max(start_ns) FROM spans),
                       (SELECT min(rowid) FROM spans), (SELECT max(rowid) FROM spans)
                """)
            if let first = extent?[0] as Int64?, let last = extent?[1] as Int64?, let low = extent?[2] as Int64?,
               let high = extent?[3] as Int64?, since <= first, last < until {
                (rowids, size) = (low...high, high - low + 1)
                return
            }
            let bounds = try Row.fetchOne(db, sql: "SELECT min(rowid), max(rowid), count(*) FROM spans WHERE start_ns >= ? AND start_ns < ?",
                                          arguments: [since, until])
            let count = bounds?[2] as Int64? ?? 0
            if let low = bounds?[0] as Int64?, let high = bounds?[1] as Int64?, high - low < 2 * count {
                (rowids, size) = (low...high, high - low + 1)
            } else {
                (rowids, size) = (nil, count)
            }
        }

        /// The window cut into at most `count` parts of at least `rowsPerPart` rows, to be read
        /// at once: each part's table, condition with its arguments, and how many rows it may
        /// hold. Only a window read by rowid is cut, into ranges of rowids.
        func parts(atMost count: Int, rowsPerPart: Int) -> [(table: String, condition: String, arguments: [Int64], size: Int)] {
            guard let rowids else { return [("spans", "spans.start_ns >= ? AND spans.start_ns < ?", [since, until], Int(size))] }
            let parts = Int64(max(1, min(count, Int(size) / max(1, rowsPerPart))))
            return (0..<parts).map { part in
                let low = rowids.lowerBound + size * part / parts, high = rowids.lowerBound + size * (part + 1) / parts - 1
                return ("spans NOT INDEXED", "spans.rowid BETWEEN ? AND ? AND spans.start_ns >= ? AND spans.start_ns < ?",
                        [low, high, since, until], Int(high - low + 1))
            }
        }
    }

    /// The spans starting in the window that meet the filter's conditions, read column by column
    /// through SQLite's C API. The conditions are tested by SQLite, so a narrow filter (a
    /// detector's) reads few rows into memory. A large window is read in parts at once, one per
    /// core, each part at least `rowsPerPart` rows: a million spans take about a second of one
    /// core's time, most of it SQLite's.
    public func timings(_ filter: SpanFilter) throws -> SpanTimings {
        try timings(filter, parts: ProcessInfo.processInfo.activeProcessorCount, rowsPerPart: 100_000)
    }

    func timings(_ filter: SpanFilter, parts: Int, rowsPerPart: Int) throws -> SpanTimings {
        let (window, services) = try store.read { db in
            (try SpanWindow(db, since: Self.nanos(filter.since), until: Self.nanos(filter.until)), try SpanServices(db))
        }
        let narrowing = Self.narrowing(filter)
        let parts = window.parts(atMost: parts, rowsPerPart: rowsPerPart)
        let read = Mutex<[Int: Result<SpanPart, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let part = parts[index]
            let sql = """
                SELECT trace_ref, span_id, parent_span_id, origin_id, name, status_code, start_ns, end_ns, kind
                FROM \(part.table) WHERE \(part.condition)\(narrowing.sql)
                """
            let result = Result {
                try store.read { db in
                    try SpanPart(db, sql: sql, arguments: StatementArguments(part.arguments.map(\.databaseValue) + narrowing.arguments),
                                 services: services, size: part.size)
                }
            }
            read.withLock { $0[index] = result }
        }
        let whole = SpanPart(merging: try parts.indices.map { index in try read.withLock { $0[index]! }.get() })
        return try store.read { db in try whole.timings(db, services: services, sortByStart: window.rowids != nil) }
    }

    /// The filter's conditions beyond the window, each with `AND` before it, and their arguments;
    /// the cheapest test first: the duration.
    private static func narrowing(_ filter: SpanFilter) -> (sql: String, arguments: [DatabaseValue]) {
        var sql = ""
        var arguments: [DatabaseValue] = []
        if let threshold = filter.longerThan {
            sql += " AND end_ns - start_ns > ?"
            arguments.append(Span.nanoseconds(threshold).databaseValue)
        }
        if let text = filter.nameContains {
            sql += " AND instr(name, ?) > 0"
            arguments.append(text.databaseValue)
        }
        if let service = filter.service {
            sql += " AND origin_id IN (SELECT id FROM span_origins WHERE service = ?)"
            arguments.append(service.databaseValue)
        }
        return (sql, arguments)
    }

    static func nanos(_ date: Date) -> Int64 { Span.nanoseconds(date.timeIntervalSince1970) }

    /// The condition on `traces` that a service took part in, with `tookPartArgument` bound: the
    /// quoted name in the JSON array of services, so no LIKE escapes are needed.
    static let tookPart = "instr(services, ?) > 0"

    static func tookPartArgument(_ service: String) -> String {
        var quoted = ""
        SpanJSON.string(service, into: &quoted)
        return quoted
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// An attribute's value as text, whatever its OTLP type (`true`, `42`, `1.5`, `GET`), stored
    /// plain (strings and booleans) or in its OTLP/JSON shape (the rest, and every value stored
    /// before strings were kept plain).
    private static func attributeText(_ column: String, key: String) -> String {
        let path = "'$.\"" + key.replacingOccurrences(of: "'", with: "''") + "\""
        return """
            CAST(COALESCE(CASE json_type(\(column), \(path)') WHEN 'text' THEN json_extract(\(column), \(path)')
                                                             WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END,
                          json_extract(\(column), \(path).stringValue'), json_extract(\(column), \(path).intValue'),
                          CASE json_extract(\(column), \(path).boolValue') WHEN 1 THEN 'true' WHEN 0 THEN 'false' END,
                          json_extract(\(column), \(path).doubleValue')) AS TEXT)
            """
    }
}

/// Reading stored spans back.
enum SpanRows {
    /// Spans with their origin's columns, as `span(_:)` reads them; conditions follow. `table`
    /// may name how spans are read (`spans NOT INDEXED`).
    static func select(from table: String = "spans") -> String {
        """
        SELECT spans.*, traces.trace_id, span_origins.resource, span_origins.scope_name, span_origins.scope_version,
               span_origins.scope_attributes
        FROM \(table) JOIN span_origins ON span_origins.id = spans.origin_id JOIN traces ON traces.id = spans.trace_ref
        """
    }

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

    static func events(_ text: String?) -> [Span.Event] {
        guard let text, let events = try? JSONDecoder().decode([StoredEvent].self, from: Data(text.utf8)) else { return [] }
        return events.map { Span.Event(timeNanos: UInt64($0.time_unix_nano) ?? 0, name: $0.name, attributes: $0.attributes) }
    }

    static func links(_ text: String?) -> [Span.Link] {
        guard let text, let links = try? JSONDecoder().decode([StoredLink].self, from: Data(text.utf8)) else { return [] }
        return links.map {
            Span.Link(traceID: Data(hex: $0.trace_id) ?? Data(), spanID: Data(hex: $0.span_id) ?? Data(), traceState: $0.trace_state,
                      attributes: $0.attributes)
        }
    }

    /// A row of `spans` joined with its origin's columns.
    static func span(_ row: Row) -> Span {
        Span(traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
             kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, startNanos: UInt64(row["start_ns"] as Int64),
             endNanos: UInt64(row["end_ns"] as Int64), statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset,
             statusMessage: row["status_message"], attributes: attributes(row["attributes"]), events: events(row["events"]),
             links: links(row["links"]),
             origin: SpanOrigin(resource: attributes(row["resource"]), scopeName: row["scope_name"], scopeVersion: row["scope_version"],
                                scopeAttributes: attributes(row["scope_attributes"])))
    }
}

/// Each span origin's service, as an index into the distinct services' names.
private struct SpanServices: Sendable {
    let names: [String]
    let ofOrigin: [Int64: Int]
    /// A span whose origin has gone (retention removes it with its latest span) is nobody's:
    /// the specification's name for a resource without a service.
    let unknown: Int

    init(_ db: Database) throws {
        var names: [String] = []
        func index(_ name: String) -> Int {
            if let known = names.firstIndex(of: name) { return known }
            names.append(name)
            return names.count - 1
        }
        var ofOrigin: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, service FROM span_origins") {
            ofOrigin[row["id"]] = index(row["service"])
        }
        unknown = index("unknown_service")
        self.names = names
        self.ofOrigin = ofOrigin
    }
}

/// Spans of a window as read, in the order read, with their traces and operations numbered in
/// the order first read: a trace's spans are mostly read together, and a service has a few
/// operations, whose names are compared as bytes.
private struct SpanPart: Sendable {
    /// Each span's operation an index into `operations`.
    var spans: [SpanTiming] = []
    /// Each span's trace, an index into `traceRefs`.
    var traceOfSpan: [Int32] = []
    var traceRefs: [Int64] = []
    var operations: [(service: Int, name: [UInt8])] = []

    init() {}

    /// Reads the rows of `sql` (trace_ref, span_id, parent_span_id, origin_id, name, status_code,
    /// start_ns, end_ns, kind), of which there are at most about `size`.
    init(_ db: Database, sql: String, arguments: StatementArguments, services: SpanServices, size: Int) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        spans.reserveCapacity(size)
        traceOfSpan.reserveCapacity(size)
        var traceIndex: [Int64: Int32] = [:]
        var operationsOfService: [Int: [Int32]] = [:]
        var lastOrigin: (id: Int64, service: Int) = (-1, 0)
        var lastTrace: (ref: Int64, index: Int32) = (-1, 0)
        while try stepRow(handle, db) {
            let traceRef = sqlite3_column_int64(handle, 0)
            if traceRef != lastTrace.ref {
                let index = traceIndex[traceRef] ?? {
                    traceIndex[traceRef] = Int32(traceRefs.count)
                    traceRefs.append(traceRef)
                    return Int32(traceRefs.count - 1)
                }()
                lastTrace = (traceRef, index)
            }
            traceOfSpan.append(lastTrace.index)
            let origin = sqlite3_column_int64(handle, 3)
            if origin != lastOrigin.id { lastOrigin = (origin, services.ofOrigin[origin] ?? services.unknown) }
            let name = UnsafeRawBufferPointer(start: sqlite3_column_text(handle, 4), count: Int(sqlite3_column_bytes(handle, 4)))
            let operation = operationsOfService[lastOrigin.service]?.first { operations[Int($0)].name.elementsEqual(name) } ?? {
                operations.append((lastOrigin.service, Array(name)))
                operationsOfService[lastOrigin.service, default: []].append(Int32(operations.count - 1))
                return Int32(operations.count - 1)
            }()
            spans.append(SpanTiming(
                spanID: Self.integer(handle, 1), parent: Self.integer(handle, 2), operation: operation,
                kind: Span.Kind(rawValue: Int(sqlite3_column_int(handle, 8))) ?? .unspecified,
                error: sqlite3_column_int(handle, 5) == Int32(Span.StatusCode.error.rawValue),
                start: sqlite3_column_int64(handle, 6), end: sqlite3_column_int64(handle, 7)))
        }
    }

    /// An 8-byte id as an integer; 0 for none.
    private static func integer(_ handle: OpaquePointer, _ column: Int32) -> UInt64 {
        guard let bytes = sqlite3_column_blob(handle, column), sqlite3_column_bytes(handle, column) == 8 else { return 0 }
        return bytes.loadUnaligned(as: UInt64.self)
    }

    /// The parts' spans one after another, in the order of `parts`: a trace or an operation read
    /// in more than one part is one.
    init(merging parts: [SpanPart]) {
        guard parts.count > 1 else {
            self = parts.first ?? SpanPart()
            return
        }
        let count = parts.reduce(0) { $0 + $1.spans.count }
        spans.reserveCapacity(count)
        traceOfSpan.reserveCapacity(count)
        var traceNumber: [Int64: Int32] = [:]
        for part in parts {
            let traces = part.traceRefs.map { ref in
                traceNumber[ref] ?? {
                    traceRefs.append(ref)
                    traceNumber[ref] = Int32(traceRefs.count - 1)
                    return Int32(traceRefs.count - 1)
                }()
            }
            let operationNumbers = part.operations.map { operation in
                Int32(operations.firstIndex { $0 == operation } ?? {
                    operations.append(operation)
                    return operations.count - 1
                }())
            }
            traceOfSpan += part.traceOfSpan.lazy.map { traces[Int($0)] }
            spans += part.spans.lazy.map { span in
                var span = span
                span.operation = operationNumbers[Int(span.operation)]
                return span
            }
        }
    }

    /// The spans grouped by trace, renumbered in order of start (then of reading): traces by
    /// their first span, each trace's spans by start. Spans read through the index by start are
    /// in that order already (`sortByStart` false); those read by rowid are in the order written.
    consuming func timings(_ db: Database, services: SpanServices, sortByStart: Bool) throws -> SpanTimings {
        var order = Array(spans.indices)
        if sortByStart {
            var keys = spans.indices.map { (start: spans[$0].start, read: Int32($0)) }
            keys.sort { $0 < $1 }
            order = keys.map { Int($0.read) }
        }
        var timings = SpanTimings()
        var traceNumber = [Int32](repeating: -1, count: traceRefs.count)
        var refsInOrder: [Int64] = []
        refsInOrder.reserveCapacity(traceRefs.count)
        var operationNumber = [Int32](repeating: -1, count: operations.count)
        for index in order {
            let trace = Int(traceOfSpan[index])
            if traceNumber[trace] < 0 {
                traceNumber[trace] = Int32(refsInOrder.count)
                refsInOrder.append(traceRefs[trace])
            }
            traceOfSpan[index] = traceNumber[trace]
            let operation = Int(spans[index].operation)
            if operationNumber[operation] < 0 {
                operationNumber[operation] = Int32(timings.operations.count)
                let (service, name) = operations[operation]
                timings.operations.append((services.names[service], String(decoding: name, as: UTF8.self)))
            }
            spans[index].operation = operationNumber[operation]
        }
        timings.traceIDs = try Self.traceIDs(db, refsInOrder)
        // A counting sort by trace: each trace's spans become one contiguous range.
        var offsets = [Int](repeating: 0, count: timings.traceIDs.count + 1)
        for trace in traceOfSpan { offsets[Int(trace) + 1] += 1 }
        for index in offsets.indices.dropFirst() { offsets[index] += offsets[index - 1] }
        timings.traceRanges = (0..<timings.traceIDs.count).map { offsets[$0]..<offsets[$0 + 1] }
        var next = offsets
        timings.spans = [SpanTiming](unsafeUninitializedCapacity: spans.count) { buffer, count in
            for index in order {
                let trace = Int(traceOfSpan[index])
                (buffer.baseAddress! + next[trace]).initialize(to: spans[index])
                next[trace] += 1
            }
            count = spans.count
        }
        return timings
    }

    /// The trace id of each trace ref (an empty one for a trace retention has removed). A
    /// window's traces were mostly first seen together, so their refs mostly lie close: then
    /// their range of the traces table is read in one walk, else each is looked up.
    private static func traceIDs(_ db: Database, _ refs: [Int64]) throws -> [Data] {
        var traceIDs = [Data](repeating: Data(), count: refs.count)
        guard let low = refs.min(), let high = refs.max() else { return traceIDs }
        let together = high - low < 2 * Int64(refs.count)
        let statement = try db.makeStatement(sql: together ? "SELECT id, trace_id FROM traces WHERE id BETWEEN ? AND ?"
                                                           : "SELECT id, trace_id FROM traces WHERE id = ?")
        let handle = statement.sqliteStatement
        func store(into index: Int) {
            traceIDs[index] = Data(bytes: sqlite3_column_blob(handle, 1), count: Int(sqlite3_column_bytes(handle, 1)))
        }
        if together {
            var numberOfRef = [Int32](repeating: -1, count: Int(high - low) + 1)
            for (index, ref) in refs.enumerated() { numberOfRef[Int(ref - low)] = Int32(index) }
            sqlite3_bind_int64(handle, 1, low)
            sqlite3_bind_int64(handle, 2, high)
            while try stepRow(handle, db) {
                let number = numberOfRef[Int(sqlite3_column_int64(handle, 0) - low)]
                if number >= 0 { store(into: Int(number)) }
            }
        } else {
            for (index, ref) in refs.enumerated() {
                sqlite3_reset(handle)
                sqlite3_bind_int64(handle, 1, ref)
                if try stepRow(handle, db) { store(into: index) }
            }
        }
        return withExtendedLifetime(statement) { traceIDs }
    }
}

/// Steps a statement: true for a row, false when done; an error thrown.
private func stepRow(_ handle: OpaquePointer, _ db: Database) throws -> Bool {
    let step = sqlite3_step(handle)
    guard step == SQLITE_ROW || step == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: db.lastErrorMessage) }
    return step == SQLITE_ROW
}
