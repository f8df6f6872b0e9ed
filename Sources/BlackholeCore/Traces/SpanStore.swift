import Foundation
import GRDB

/// Spans in the one database: ids as blobs, attributes in OTLP/JSON, indexed by time, trace id
/// and service.
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

    static let retention = RetentionTarget(kind: .spans, table: "spans", timeColumn: "start_ns", unitsPerSecond: 1e9, cleanup: nil)

    public func write(_ spans: [Span]) throws {
        guard !spans.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try store.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, service, name, kind, start_ns, end_ns,
                                              status_code, status_message, attributes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for span in spans {
                try statement.execute(arguments: [
                    span.traceID, span.spanID, span.parentSpanID, span.service, span.name, span.kind.rawValue,
                    Int64(span.startNanos), Int64(span.endNanos), span.statusCode.rawValue, span.statusMessage,
                    String(decoding: try encoder.encode(span.attributes), as: UTF8.self),
                ])
            }
        }
    }

    /// One trace's spans, by start time.
    public func trace(_ traceID: Data) throws -> [Span] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns", arguments: [traceID]).map(Self.span)
        }
    }

    static func span(_ row: Row) -> Span {
        var span = Span(traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], name: row["name"],
                        kind: Span.Kind(rawValue: row["kind"]) ?? .unspecified, start: .distantPast, end: .distantPast,
                        statusCode: Span.StatusCode(rawValue: row["status_code"]) ?? .unset, statusMessage: row["status_message"],
                        attributes: (try? JSONDecoder().decode([String: AttributeValue].self, from: Data((row["attributes"] as String).utf8))) ?? [:],
                        service: row["service"])
        span.startNanos = UInt64(row["start_ns"] as Int64)
        span.endNanos = UInt64(row["end_ns"] as Int64)
        return span
    }
}
