import Foundation

/// Where spans go. Ingestion (files, `serve`, `exec`, the P2P probes) writes through this and
/// never sees how spans are kept; `SpanStore` keeps them in SQLite.
public protocol SpanWriter: Sendable {
    /// Stores the spans in one transaction. A span already stored (same trace and span id, as
    /// after an exporter's retry) is counted as a duplicate and left as it was.
    func write(_ spans: SpanBatch) throws -> SpanWriteResult
    /// A long run of batches follows (`ingest`): the store may trade memory for speed.
    func prepareForBulkWrites() throws
}

extension SpanWriter {
    @discardableResult
    public func write(_ spans: [Span]) throws -> SpanWriteResult {
        try write(SpanBatch(spans))
    }
}

/// What `traces`, `trace`, `analyze`, `check`'s detectors and the dashboard read. Queries are
/// values (`TraceFilter`, `SpanFilter`); how they are answered is the store's business.
public protocol SpanReader: Sendable {
    /// Trace summaries matching every condition of the filter, in its order.
    func traces(_ filter: TraceFilter) throws -> [TraceSummary]
    /// Summaries of the traces whose id starts with `prefix` (lowercase hex), at most `limit`.
    func traces(idPrefix prefix: String, limit: Int) throws -> [TraceSummary]
    /// One trace's spans, by start time.
    func trace(_ traceID: Data) throws -> [Span]
    /// The spans the filter names, compactly, grouped by trace: what the bottleneck summary, the
    /// advice and the span detectors need of a million spans.
    func timings(_ filter: SpanFilter) throws -> SpanTimings
}

extension SpanReader {
    /// The summary of the one trace whose id is, or starts with, `text` (hex).
    public func resolveTrace(_ text: String) throws -> TraceSummary {
        let prefix = text.lowercased()
        guard !prefix.isEmpty, prefix.count <= 32, prefix.utf8.allSatisfy({ Data.nibble($0) != nil }) else {
            throw BlackholeError(.usage, "trace id \"\(text)\" is not hex (up to 32 digits)")
        }
        let matches = try traces(idPrefix: prefix, limit: 6)
        switch matches.count {
        case 0: throw BlackholeError(.usage, "no stored trace has an id starting with \(prefix)")
        case 1: return matches[0]
        default:
            let shown = matches.prefix(5).map(\.traceID.hex).joined(separator: ", ")
            throw BlackholeError(.usage, "\(prefix) is ambiguous: \(shown)\(matches.count > 5 ? ", …" : ""); give more digits")
        }
    }
}

/// Which traces to list: every condition set must hold.
public struct TraceFilter: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case error, ok
    }

    public enum Order: Sendable {
        case newestFirst, longestFirst
    }

    public var since: Date
    public var until: Date?
    /// A service that took part in the trace.
    public var service: String?
    /// A substring of any span's name, case-insensitive.
    public var name: String?
    /// At least this long.
    public var minDuration: TimeInterval?
    /// Strictly longer than this (a detector's threshold).
    public var longerThan: TimeInterval?
    public var maxDuration: TimeInterval?
    public var status: Status?
    /// At least this many error spans.
    public var minErrors: Int?
    /// Span or resource attributes, each `key=value` with the value compared as text. Keys
    /// cannot hold quotes or backslashes.
    public var attributes: [(key: String, value: String)] = []
    public var order = Order.newestFirst
    public var limit = 20

    public init(since: Date, until: Date? = nil) {
        self.since = since
        self.until = until
    }
}

/// Which spans of a window to read: every condition set must hold. With none, every span
/// starting in `[since, until)`.
public struct SpanFilter: Sendable {
    public var since: Date
    public var until: Date
    /// A substring of the span's name, case-sensitive.
    public var nameContains: String?
    /// Strictly longer than this.
    public var longerThan: TimeInterval?
    public var service: String?

    public init(since: Date, until: Date) {
        self.since = since
        self.until = until
    }
}

/// Spans ready to store, made where they are decoded (ingestion's decoding thread, each request's
/// task in serve) so that the one writer only binds and inserts. Every span's ids and text (name,
/// status message, and attributes, events and links as `SpanJSON` writes them) lie in one byte
/// buffer; each distinct origin is listed once. A row holds no reference, so a batch of thousands
/// of spans is freed by freeing a few arrays.
public struct SpanBatch: Sendable {
    /// A slice of `text`; `count` -1 for none (NULL).
    struct Text {
        var start: Int
        var count: Int

        static let absent = Text(start: 0, count: -1)
    }

    struct Row {
        var traceID: TraceKey
        /// Where the ids lie in `text` as stored: the trace id (16 bytes), the span id (8) and,
        /// unless the span is a root, its parent's (8).
        var ids: Int
        var isRoot: Bool
        /// Index into `origins`.
        var origin: Int
        var kind: Span.Kind
        var statusCode: Span.StatusCode
        var startNanos: UInt64
        var endNanos: UInt64
        var name: Text
        var statusMessage: Text
        var attributes: Text
        var events: Text
        var links: Text
    }

    private(set) var rows: [Row] = []
    private(set) var text: [UInt8] = []
    private(set) var origins: [SpanOrigin] = []
    private var originIndex: [SpanOrigin: Int] = [:]

    public init() {}

    public init(_ spans: [Span]) {
        rows.reserveCapacity(spans.count)
        for span in spans { append(span) }
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The traces whose root span is in the batch.
    public var rootTraceIDs: [Data] { rows.filter(\.isRoot).map(\.traceID.data) }

    /// Adds a span; its ids must have their OTLP lengths (16 and 8 bytes), as decoding checks.
    public mutating func append(_ span: Span) {
        precondition(span.traceID.count == 16 && span.spanID.count == 8 && (span.parentSpanID?.count ?? 8) == 8,
                     "span ids of the wrong length reached the store")
        let origin = index(of: span.origin)
        let ids = write { text in
            text += span.traceID
            text += span.spanID
            if let parent = span.parentSpanID { text += parent }
        }
        let name = add(span.name)
        let statusMessage = add(span.statusMessage)
        let attributes = write { SpanJSON.write(span.attributes, into: &$0) }
        let events = span.events.isEmpty ? Text.absent : write { SpanJSON.events(span.events, into: &$0) }
        let links = span.links.isEmpty ? Text.absent : write { SpanJSON.links(span.links, into: &$0) }
        rows.append(Row(traceID: TraceKey(span.traceID), ids: ids.start, isRoot: span.parentSpanID == nil, origin: origin, kind: span.kind,
                        statusCode: span.statusCode, startNanos: span.startNanos, endNanos: span.endNanos, name: name,
                        statusMessage: statusMessage, attributes: attributes, events: events, links: links))
    }

    /// Adds a row whose text is already in `text`.
    mutating func append(_ row: Row) {
        rows.append(row)
    }

    /// Names the origin of rows added before it was known: an OTLP/JSON resource may come after
    /// its spans.
    mutating func setOrigin(_ origin: SpanOrigin, of range: Range<Int>) {
        let index = index(of: origin)
        for row in range { rows[row].origin = index }
    }

    /// The spans as values, read back from their text.
    var spans: [Span] {
        func string(_ range: Text) -> String { String(decoding: text[range.start..<range.start + max(range.count, 0)], as: UTF8.self) }
        return rows.map { row in
            Span(traceID: Data(text[row.ids..<row.ids + 16]), spanID: Data(text[row.ids + 16..<row.ids + 24]),
                 parentSpanID: row.isRoot ? nil : Data(text[row.ids + 24..<row.ids + 32]), name: string(row.name), kind: row.kind,
                 startNanos: row.startNanos, endNanos: row.endNanos, statusCode: row.statusCode, statusMessage: string(row.statusMessage),
                 attributes: SpanRows.attributes(string(row.attributes)),
                 events: SpanRows.events(row.events.count < 0 ? nil : string(row.events)),
                 links: SpanRows.links(row.links.count < 0 ? nil : string(row.links)), origin: origins[row.origin])
        }
    }

    /// Empties the batch, keeping its storage for the next.
    public mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
        originIndex.removeAll(keepingCapacity: true)
    }

    private mutating func add(_ string: String) -> Text {
        write { buffer in
            var string = string
            string.withUTF8 { buffer.append(contentsOf: $0) }
        }
    }

    /// The text that `body` appends to the buffer.
    mutating func write(_ body: (inout [UInt8]) throws -> Void) rethrows -> Text {
        let start = text.count
        try body(&text)
        return Text(start: start, count: text.count - start)
    }

    /// Where the batch is now, to go back to if what follows cannot be taken whole.
    struct Mark {
        fileprivate var rows: Int
        fileprivate var text: Int
        fileprivate var origins: Int
    }

    var mark: Mark { Mark(rows: rows.count, text: text.count, origins: origins.count) }

    mutating func restore(_ mark: Mark) {
        rows.removeSubrange(mark.rows...)
        text.removeSubrange(mark.text...)
        for origin in origins[mark.origins...] { originIndex[origin] = nil }
        origins.removeSubrange(mark.origins...)
    }

    mutating func index(of origin: SpanOrigin) -> Int {
        // The spans of one request share their origin's storage: equal at a glance, no hashing.
        if let last = origins.indices.last, origins[last] == origin { return last }
        if let found = originIndex[origin] { return found }
        originIndex[origin] = origins.count
        origins.append(origin)
        return origins.count - 1
    }
}

/// A trace id as two integers: hashed and compared at a glance, where a 16-byte `Data` is a
/// reference to bytes on the heap.
struct TraceKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    var data: Data {
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: &bytes) { Data($0) }
    }
}

extension TraceKey {
    init(_ data: Data) {
        self.init(high: UInt64(bigEndianBytes: data.prefix(8)), low: UInt64(bigEndianBytes: data.suffix(8)))
    }
}

extension UInt64 {
    /// The integer of up to 8 bytes, most significant first.
    init(bigEndianBytes bytes: some Collection<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

public struct SpanWriteResult: Sendable, Equatable {
    /// Spans newly stored.
    public var stored = 0
    /// Spans that were already stored.
    public var duplicates = 0

    public init(stored: Int = 0, duplicates: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
    }
}

/// What the bottleneck summary and the advice need of a span, compactly: ids as integers (0 for
/// none), the service and operation as an index into `SpanTimings.operations`.
public struct SpanTiming: Sendable {
    public var spanID: UInt64
    public var parent: UInt64
    public var operation: Int32
    public var kind: Span.Kind
    public var error: Bool
    public var start: Int64
    public var end: Int64

    public init(spanID: UInt64, parent: UInt64, operation: Int32, kind: Span.Kind, error: Bool, start: Int64, end: Int64) {
        self.spanID = spanID
        self.parent = parent
        self.operation = operation
        self.kind = kind
        self.error = error
        self.start = start
        self.end = end
    }
}

/// Spans of a window, grouped by trace: each trace a contiguous range of `spans`, in order of
/// start, and the traces in order of their first span's start.
public struct SpanTimings: Sendable {
    public var spans: [SpanTiming] = []
    public var traceIDs: [Data] = []
    /// The spans of each trace of `traceIDs`.
    public var traceRanges: [Range<Int>] = []
    public var operations: [(service: String, name: String)] = []

    public init() {}
}
