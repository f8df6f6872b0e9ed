import Foundation
import GRDB
import Testing
@testable import BlackholeCore

@Suite struct SpanStoreTests {
    @Test func attributesOfEveryTypeSurviveTheStore() throws {
        let dir = TemporaryDirectory()
        let spans = SpanStore(try Store(path: dir.file("t.db")))
        let trace = Span.newTraceID()
        let start = Date(timeIntervalSince1970: 1_800_000_000.123456)
        let attributes: [String: AttributeValue] = [
            "s": .string("x"), "b": .bool(true), "i": .int(Int64.max), "d": .double(0.25), "bytes": .bytes(Data([0, 255])),
            "list": .array([.int(1), .string("two")]), "map": .map(["nested": .map(["deep": .bool(false)])]),
        ]
        let root = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: nil, name: "root", start: start, end: start + 1.5,
                        attributes: attributes)
        let child = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: root.spanID, name: "child", kind: .client,
                         start: start + 0.1, end: start + 0.2, statusCode: .error, statusMessage: "boom")
        try spans.write([child, root])
        let read = try spans.trace(trace)
        #expect(read == [root, child])
        #expect(read[0].duration == 1.5 && read[0].attributes == attributes)
        #expect(trace.count == 16 && root.spanID.count == 8 && trace.hex.count == 32)
        #expect(read[1].statusMessage == "boom" && read[1].statusCode == .error)
    }

    /// A store whose spans still carry their trace id and service (as before `spans_without_copies`)
    /// loses those columns, and nothing else, when it is next opened.
    @Test func spansStoredWithTheirCopiesAreKeptWithoutThem() throws {
        let dir = TemporaryDirectory()
        let earlier = Array(Schema.migrations.dropLast())
        #expect(Schema.migrations.last?.name == "spans_without_copies")
        let old = try Store(path: dir.file("t.db"), migrations: earlier)
        let trace = Span.newTraceID()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let root = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: nil, name: "root", start: start, end: start + 2,
                        attributes: ["k": .string("v")], service: "gateway")
        let child = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: root.spanID, name: "child", start: start + 0.5,
                         end: start + 1, service: "storage")
        try SpanStore(old).write([root, child])
        try old.write { db in
            try db.execute(sql: """
                ALTER TABLE spans ADD COLUMN trace_id BLOB NOT NULL DEFAULT x'';
                ALTER TABLE spans ADD COLUMN service TEXT NOT NULL DEFAULT '';
                UPDATE spans SET trace_id = (SELECT trace_id FROM traces WHERE id = trace_ref),
                                 service = (SELECT service FROM span_origins WHERE id = origin_id);
                CREATE INDEX spans_by_service ON spans(service, start_ns);
                ALTER TABLE span_origins DROP COLUMN last_start_ns;
                """)
        }
        let store = try Store(path: dir.file("t.db"))
        let (columns, indexes) = try store.read { db in
            (try db.columns(in: "spans").map(\.name), try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'spans'"))
        }
        #expect(!columns.contains("trace_id") && !columns.contains("service") && columns.contains("origin_id"))
        #expect(indexes.sorted() == ["spans", "spans_by_start", "spans_by_trace"])
        let latest = try store.read { db in
            try [String: Int64](uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT service, last_start_ns FROM span_origins").map {
                ($0["service"], $0["last_start_ns"])
            })
        }
        #expect(latest == ["gateway": Int64(root.startNanos), "storage": Int64(child.startNanos)])
        let spans = SpanStore(store)
        #expect(try spans.trace(trace) == [root, child])
        #expect(try spans.timings(SpanFilter(since: start, until: start + 10)).operations.map(\.service).sorted() == ["gateway", "storage"])
        var storageOnly = SpanFilter(since: start, until: start + 10)
        storageOnly.service = "storage"
        #expect(try spans.timings(storageOnly).spans.map(\.spanID) == [child.spanID.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }])
    }

    /// A span read while its origin is gone (retention removes both, origins last) is counted
    /// under `unknown_service`, not under another origin's service.
    @Test func aSpanWhoseOriginIsGoneIsNobodys() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let spans = SpanStore(store)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func span(_ service: String) -> Span {
            Span(traceID: Span.newTraceID(), spanID: Span.newSpanID(), parentSpanID: nil, name: "op", start: start, end: start + 1,
                 service: service)
        }
        try spans.write([span("gateway"), span("storage")])
        try store.write { db in try db.execute(sql: "DELETE FROM span_origins WHERE service = 'storage'") }
        let services = try spans.timings(SpanFilter(since: start, until: start + 10)).operations.map(\.service).sorted()
        #expect(services == ["gateway", "unknown_service"])
    }

    /// A window's spans come out in order of start, by trace of first start, whichever way the
    /// store reads them: the whole table (a window holding every span), a range of rowids, or
    /// through the index by start.
    @Test func aWindowIsInStartOrderHoweverItIsRead() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let spans = SpanStore(store)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func trace(_ offsets: [Double]) -> [Span] {
            let traceID = Span.newTraceID()
            return offsets.map {
                Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: nil, name: "op\($0)", start: start + $0,
                     end: start + $0 + 0.5, service: "gateway")
            }
        }
        // Written out of order: the second trace starts before the first.
        let late = trace([5, 3]), early = trace([1, 4]), last = trace([100])
        try spans.write(late)
        try spans.write(early)
        try spans.write(last)
        // Every span; rowids 1 to 4 of 5; 1, 2 and 4; 1 and 5, too far apart for a range (the index).
        for (since, until) in [(start, start + 1000), (start, start + 10), (start + 2, start + 100), (start + 5, start + 101)] {
            let window = try spans.timings(SpanFilter(since: since, until: until))
            let expected = (late + early + last).filter { $0.start >= since && $0.start < until }
            #expect(window.spans.map(\.start).sorted() == expected.map { Int64($0.startNanos) }.sorted())
            let traces = window.traceRanges.map { range in window.spans[range].map(\.start) }
            #expect(traces.allSatisfy { $0 == $0.sorted() }, "each trace's spans by start")
            #expect(traces.map { $0[0] } == traces.map { $0[0] }.sorted(), "traces by their first start")
            #expect(window.traceIDs.first == expected.min { $0.startNanos < $1.startNanos }?.traceID)
        }
    }

    /// A large window is read in parts at once (rowid ranges), which are then put together: a
    /// trace or an operation read in two parts is one, and the result is what one read gives,
    /// whatever the number of parts and with a filter that SQLite tests.
    @Test func aWindowReadInPartsIsTheWindowReadWhole() throws {
        let dir = TemporaryDirectory()
        let spans = SpanStore(try Store(path: dir.file("t.db")))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var written: [Span] = []
        // Twelve traces, written two batches at a time and each batch backwards, so each trace's
        // spans lie in more than one part and the rowids are out of order of start.
        for trace in 0..<12 {
            let traceID = Span.newTraceID()
            let root = Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: nil, name: "GET /\(trace % 3)",
                            start: start + Double(trace), end: start + Double(trace) + 2, service: "gateway")
            written.append(root)
            for call in 0..<4 {
                written.append(Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: root.spanID,
                                    name: call % 2 == 0 ? "db.get" : "p2p.discovery", kind: .client,
                                    start: start + Double(trace) + 0.1 * Double(call + 1), end: start + Double(trace) + 0.25 * Double(call + 2),
                                    statusCode: call == 3 ? .error : .unset, service: call % 2 == 0 ? "storage" : "p2p"))
            }
        }
        for batch in stride(from: 0, to: written.count, by: 7) { try spans.write(Array(written[batch..<min(batch + 7, written.count)].reversed())) }

        func described(_ timings: SpanTimings) -> [String] {
            timings.traceRanges.enumerated().flatMap { trace, range in
                timings.spans[range].map { span in
                    let operation = timings.operations[Int(span.operation)]
                    return "\(timings.traceIDs[trace].hex) \(span.spanID) \(span.parent) \(operation.service) \(operation.name) "
                        + "\(span.kind) \(span.error) \(span.start) \(span.end)"
                }
            }
        }
        var narrow = SpanFilter(since: start + 2.5, until: start + 10)
        narrow.longerThan = 0.2
        narrow.service = "p2p"
        for filter in [SpanFilter(since: start, until: start + 100), SpanFilter(since: start + 2.5, until: start + 10), narrow] {
            let whole = try spans.timings(filter, parts: 1, rowsPerPart: 1)
            #expect(!whole.spans.isEmpty)
            for parts in [2, 3, 7] {
                let inParts = try spans.timings(filter, parts: parts, rowsPerPart: 1)
                #expect(described(inParts) == described(whole), "\(parts) parts")
                #expect(inParts.traceIDs == whole.traceIDs)
                #expect(inParts.operations.count == whole.operations.count, "each operation once")
            }
        }
    }

    /// A window's trace ids, whether its traces were first stored together (one walk of the
    /// traces' range) or apart (a lookup each); a trace whose summary is gone has an empty id.
    @Test func aWindowNamesItsTracesWhereverTheyLie() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let spans = SpanStore(store)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // Ten traces, one second apart, each its own ref in order.
        let traceIDs = (0..<10).map { _ in Span.newTraceID() }
        for (second, traceID) in traceIDs.enumerated() {
            try spans.write([Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: nil, name: "op",
                                  start: start + Double(second), end: start + Double(second) + 0.5)])
        }
        // A late span of the first trace, at second 9.5: that window's refs are 1 and 10.
        try spans.write([Span(traceID: traceIDs[0], spanID: Span.newSpanID(), parentSpanID: nil, name: "late",
                              start: start + 9.5, end: start + 9.6)])
        #expect(try spans.timings(SpanFilter(since: start + 2, until: start + 6)).traceIDs == Array(traceIDs[2..<6]))
        #expect(try spans.timings(SpanFilter(since: start + 9, until: start + 10)).traceIDs == [traceIDs[9], traceIDs[0]])
        try store.write { db in try db.execute(sql: "DELETE FROM traces WHERE trace_id = ?", arguments: [traceIDs[3]]) }
        #expect(try spans.timings(SpanFilter(since: start + 2, until: start + 6)).traceIDs == [traceIDs[2], Data(), traceIDs[4], traceIDs[5]])
    }

    @Test func attributeValuesUseOTLPJSON() throws {
        let encoded = String(decoding: try JSONEncoder().encode(AttributeValue.int(42)), as: UTF8.self)
        #expect(encoded == #"{"intValue":"42"}"#)
        #expect(try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"intValue":42}"#.utf8)) == .int(42))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"bytesValue":"%%"}"#.utf8)) }
    }
}
