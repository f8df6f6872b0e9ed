import Foundation
import GRDB
import Testing
import TestSupport
@testable import BlackholeCore

/// Builds traces at fixed times: a root and children given as offsets from `start`.
private struct TraceBuilder {
    let traceID = Span.newTraceID()
    let start: Date
    var spans: [Span] = []

    init(start: Date) { self.start = start }

    @discardableResult
    mutating func add(_ name: String, service: String = "gateway", parent: Span? = nil, from: TimeInterval, to: TimeInterval,
                      error: Bool = false) -> Span {
        let span = Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: parent?.spanID, name: name, start: start + from,
                        end: start + to, statusCode: error ? .error : .unset, service: service)
        spans.append(span)
        return span
    }
}

@Suite struct TraceAnalyzerTests {
    let dir = TemporaryDirectory()
    let spans: SpanStore
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws { spans = SpanStore(try Store(path: dir.file("t.db"))) }

    func issues(_ patterns: [TracePattern], thresholds: [TracePattern: Double] = [:], service: String? = nil) throws -> [PerformanceIssue] {
        try TraceAnalyzer(spans, thresholds: thresholds).detect(patterns, since: t0, until: t0 + 3600, service: service)
    }

    @Test func slowServiceCallsOverTheThresholdOnly() throws {
        var slow = TraceBuilder(start: t0 + 10)
        let root = slow.add("GET /files", from: 0, to: 5.2)
        slow.add("read", service: "storage", parent: root, from: 0.1, to: 5.1)
        var nearMiss = TraceBuilder(start: t0 + 20)
        nearMiss.add("GET /files", from: 0, to: 5.0)
        var early = TraceBuilder(start: t0 - 60)
        early.add("GET /files", from: 0, to: 9)
        try spans.write(slow.spans + nearMiss.spans + early.spans)

        let found = try issues([.slowServiceCall])
        #expect(found.map(\.traceID) == [slow.traceID])
        #expect(found.first?.severity == .warning && found.first?.services == ["gateway", "storage"])
        #expect(found.first?.timestamp == t0 + 10 && abs((found.first?.durationMs ?? 0) - 5200) < 0.01)
        #expect(found.first?.description.contains("GET /files took 5.2s") == true, "\(found)")
        // The configured threshold, and the service filter.
        #expect(try issues([.slowServiceCall], thresholds: [.slowServiceCall: 4.5]).count == 2)
        #expect(try issues([.slowServiceCall], service: "storage").count == 1)
        #expect(try issues([.slowServiceCall], service: "ledger").isEmpty)
    }

    @Test func discoveryTimeoutsNeedTheNameAndTheDuration() throws {
        var trace = TraceBuilder(start: t0)
        let root = trace.add("p2p discover", service: "blackhole", from: 0, to: 80)
        trace.add("p2p.discovery.mdns", service: "blackhole", parent: root, from: 0, to: 30.5)
        trace.add("p2p.discovery.bootstrap", service: "blackhole", parent: root, from: 31, to: 60.9)
        trace.add("p2p.dial", service: "blackhole", parent: root, from: 0, to: 79)
        try spans.write(trace.spans)

        let found = try issues([.p2pDiscoveryTimeout])
        #expect(found.map(\.description) == ["blackhole p2p.discovery.mdns ran 30.5s, over 30s"])
        #expect(found.first?.timestamp == t0 && found.first?.severity == .warning)
        let lower = try issues([.p2pDiscoveryTimeout], thresholds: [.p2pDiscoveryTimeout: 29])
        #expect(lower.map(\.durationMs) == [30_500, 29_900], "longest first")
        #expect(try issues([.p2pDiscoveryTimeout], thresholds: [.p2pDiscoveryTimeout: 29], service: "blackhole") == lower)
        #expect(try issues([.p2pDiscoveryTimeout], service: "storage").isEmpty)
        // Spans read once by the caller (as `analyze` does for its summary) give the same findings.
        let window = try spans.timings(SpanFilter(since: t0, until: t0 + 3600))
        let given = try TraceAnalyzer(spans, thresholds: [.p2pDiscoveryTimeout: 29])
            .detect([.p2pDiscoveryTimeout], since: t0, until: t0 + 3600, spans: window)
        #expect(given == lower)
    }

    @Test func cascadingFailuresCountErrorSpans() throws {
        var cascade = TraceBuilder(start: t0)
        let root = cascade.add("POST /transfer", from: 0, to: 1, error: true)
        cascade.add("debit", service: "ledger", parent: root, from: 0.1, to: 0.5, error: true)
        cascade.add("store", service: "storage", parent: root, from: 0.5, to: 0.9, error: true)
        var nearMiss = TraceBuilder(start: t0 + 5)
        let other = nearMiss.add("POST /transfer", from: 0, to: 1, error: true)
        nearMiss.add("debit", service: "ledger", parent: other, from: 0.1, to: 0.5, error: true)
        nearMiss.add("store", service: "storage", parent: other, from: 0.5, to: 0.9)
        try spans.write(cascade.spans + nearMiss.spans)

        let found = try issues([.cascadingFailures])
        #expect(found.map(\.traceID) == [cascade.traceID])
        #expect(found.first?.severity == .critical && found.first?.services == ["gateway", "ledger", "storage"])
        #expect(found.first?.description.hasPrefix("3 of 3 spans failed") == true)
        #expect(try issues([.cascadingFailures], thresholds: [.cascadingFailures: 2]).count == 2)
    }

    @Test func patternNames() throws {
        #expect(try TracePattern(named: "slow_requests") == .slowServiceCall)
        #expect(try TracePattern(named: "cascading_failures") == .cascadingFailures)
        #expect(throws: BlackholeError.self) { try TracePattern(named: "slow") }
    }

    /// Root 0–100ms waits on two overlapping children (10–60, 40–90): 20ms of its own. The
    /// storage child has a grandchild covering half of it.
    @Test func bottleneckSummaryNamesWhereTheTimeGoes() throws {
        var written: [Span] = []
        for index in 0..<10 {
            var trace = TraceBuilder(start: t0 + Double(index))
            let root = trace.add("GET /files", from: 0, to: 0.100 + Double(index) * 0.001)
            let storage = trace.add("read", service: "storage", parent: root, from: 0.010, to: 0.060, error: index == 0)
            trace.add("disk", service: "storage", parent: storage, from: 0.020, to: 0.045)
            trace.add("lookup", service: "identity", parent: root, from: 0.040, to: 0.090)
            written += trace.spans
        }
        try spans.write(written)
        let analyzer = TraceAnalyzer(spans, thresholds: [:])
        let result = analyzer.bottlenecks(of: try spans.timings(SpanFilter(since: t0, until: t0 + 60)))
        #expect(result.spanCount == 40)
        let byName = Dictionary(uniqueKeysWithValues: result.operations.map { ($0.operation, $0) })
        #expect(result.operations.first?.operation == "lookup", "identity's lookup has the most self time: \(result.operations)")
        #expect(abs(byName["lookup"]!.selfTimeMs - 500) < 0.1)
        #expect(abs(byName["read"]!.selfTimeMs - 250) < 0.1)
        #expect(abs(byName["disk"]!.selfTimeMs - 250) < 0.1)
        // Root: 100..109ms minus the 80ms its children cover.
        #expect(abs(byName["GET /files"]!.selfTimeMs - (200 + 45)) < 0.1)
        #expect(byName["read"]!.errorRate == 0.1 && byName["lookup"]!.errorRate == 0)
        #expect(abs(byName["GET /files"]!.p50Ms - 104) < 0.01 && abs(byName["GET /files"]!.p99Ms - 109) < 0.01)
        let shares = result.operations.map(\.selfTimeShare).reduce(0, +)
        #expect(abs(shares - 1) < 1e-9)

        let path = try #require(result.criticalPaths.first)
        #expect(abs(path.durationMs - 109) < 0.01)
        #expect(path.steps.map(\.operation) == ["GET /files", "lookup"])
        #expect(result.criticalPaths.count == 3)

        let storageOnly = analyzer.bottlenecks(of: try spans.timings(SpanFilter(since: t0, until: t0 + 60)), service: "storage")
        #expect(Set(storageOnly.operations.map(\.operation)) == ["read", "disk"])
        #expect(abs(storageOnly.operations.map(\.selfTimeShare).reduce(0, +) - 1) < 1e-9)
    }
}

@Suite struct TraceQueryTests {
    let dir = TemporaryDirectory()
    let spans: SpanStore
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws { spans = SpanStore(try Store(path: dir.file("t.db"))) }

    @Test func summariesFollowSpansArrivingInAnyOrder() throws {
        var trace = TraceBuilder(start: t0)
        let root = trace.add("GET /files", from: 0, to: 2)
        let child = trace.add("read", service: "storage", parent: root, from: 0.5, to: 2.5, error: true)
        // The child first, in its own batch: the summary names it until the root arrives.
        try spans.write([child])
        var listed = try spans.traces(TraceFilter(since: t0))
        #expect(listed.first?.hasRoot == false && listed.first?.rootName == "read")
        try spans.write([root])
        listed = try spans.traces(TraceFilter(since: t0))
        let summary = try #require(listed.first)
        #expect(summary.hasRoot && summary.rootName == "GET /files" && summary.rootService == "gateway")
        #expect(summary.spanCount == 2 && summary.errorCount == 1 && abs(summary.duration - 2.5) < 1e-6)
        #expect(summary.services == ["gateway", "storage"])
        #expect(try spans.write([root]) == SpanWriteResult(stored: 0, duplicates: 1))
        #expect(try spans.traces(TraceFilter(since: t0)).first?.spanCount == 2)
    }

    @Test func spansAlreadyStoredOrTwiceInABatchAreCountedOnceWhereverTheyFall() throws {
        // Spans go in several to a statement: the ignored ones can be anywhere in it, and the
        // statement's others must still count.
        var trace = TraceBuilder(start: t0)
        let root = trace.add("GET /files", from: 0, to: 10)
        for index in 0..<40 {
            trace.add("read \(index)", service: index.isMultiple(of: 2) ? "storage" : "ledger", parent: root, from: Double(index) * 0.1,
                      to: Double(index) * 0.1 + 0.05, error: index.isMultiple(of: 7))
        }
        let alreadyStored = trace.spans.enumerated().filter { $0.offset.isMultiple(of: 3) }.map(\.element)
        #expect(try spans.write(alreadyStored) == SpanWriteResult(stored: 14, duplicates: 0))
        // Every span, some of them twice in a row and one again at the end: 27 new, 14 stored, 3 repeated.
        var resent: [Span] = []
        for (offset, span) in trace.spans.enumerated() {
            resent.append(span)
            if offset == 5 || offset == 20 { resent.append(span) }
        }
        resent.append(trace.spans[1])
        #expect(try spans.write(resent) == SpanWriteResult(stored: 27, duplicates: 17))
        let summary = try #require(try spans.traces(TraceFilter(since: t0)).first)
        #expect(summary.spanCount == 41 && summary.errorCount == 6 && summary.hasRoot)
        #expect(summary.services == ["gateway", "ledger", "storage"])
        let stored = try spans.trace(trace.traceID)
        #expect(stored.map(\.spanID) == trace.spans.map(\.spanID))
        #expect(try spans.write(trace.spans) == SpanWriteResult(stored: 0, duplicates: 41))
        #expect(try spans.traces(TraceFilter(since: t0)).first?.spanCount == 41)
    }

    @Test func filtersCombine() throws {
        var fast = TraceBuilder(start: t0)
        fast.add("GET /health", from: 0, to: 0.01)
        var slow = TraceBuilder(start: t0 + 60)
        let root = slow.add("PUT /files", from: 0, to: 3)
        var failing = Span(traceID: slow.traceID, spanID: Span.newSpanID(), parentSpanID: root.spanID, name: "write_chunk",
                           start: t0 + 61, end: t0 + 62, statusCode: .error, attributes: ["peer": .string("node-3"), "retries": .int(2), "cached": .bool(false)],
                           service: "storage")
        failing.origin.resource["region"] = .string("eu")
        try spans.write(fast.spans + slow.spans + [failing])

        func ids(_ change: (inout TraceFilter) -> Void) throws -> [Data] {
            var filter = TraceFilter(since: t0)
            change(&filter)
            return try spans.traces(filter).map(\.traceID)
        }
        #expect(try ids { _ in } == [slow.traceID, fast.traceID], "newest first")
        #expect(try ids { $0.limit = 1 } == [slow.traceID])
        #expect(try ids { $0.service = "storage" } == [slow.traceID])
        #expect(try ids { $0.service = "stor" }.isEmpty, "a service is matched whole")
        #expect(try ids { $0.name = "CHUNK" } == [slow.traceID])
        #expect(try ids { $0.name = "_" } == [slow.traceID], "LIKE wildcards are literal")
        #expect(try ids { $0.minDuration = 1 } == [slow.traceID])
        #expect(try ids { $0.maxDuration = 1 } == [fast.traceID])
        #expect(try ids { $0.status = .error } == [slow.traceID])
        #expect(try ids { $0.status = .ok } == [fast.traceID])
        #expect(try ids { $0.attributes = [("retries", "2")] } == [slow.traceID])
        #expect(try ids { $0.attributes = [("region", "eu"), ("peer", "node-3")] } == [slow.traceID])
        #expect(try ids { $0.attributes = [("peer", "node-4")] }.isEmpty)
        #expect(try ids { $0.attributes = [("cached", "false")] } == [slow.traceID])
        // Values stored in OTLP/JSON's shape (strings and booleans were, at first) are read and matched alike.
        try spans.store.write { db in
            try db.execute(sql: #"UPDATE spans SET attributes = '{"ok":{"boolValue":true},"peer":{"stringValue":"node-3"}}' WHERE name = 'write_chunk'"#)
        }
        #expect(try ids { $0.attributes = [("peer", "node-3"), ("ok", "true")] } == [slow.traceID])
        #expect(try spans.trace(slow.traceID).first { $0.name == "write_chunk" }?.attributes == ["peer": .string("node-3"), "ok": .bool(true)])
        #expect(try ids { $0.until = t0 + 30 } == [fast.traceID])
        #expect(try ids { $0.since = t0 + 30 } == [slow.traceID])
    }

    @Test func orphansAreShownAtTheTopNotLost() throws {
        var trace = TraceBuilder(start: t0)
        let root = trace.add("GET /files", from: 0, to: 1)
        trace.add("read", service: "storage", parent: root, from: 0.1, to: 0.5)
        let lost = Span(traceID: trace.traceID, spanID: Span.newSpanID(), parentSpanID: Span.newSpanID(), name: "late child",
                        start: t0 + 0.05, end: t0 + 0.2, service: "ledger")
        try spans.write(trace.spans + [lost])
        let report = TraceDetailReport(trace: try spans.resolveTrace(trace.traceID.hex), spans: try spans.trace(trace.traceID))
        #expect(report.spans.map(\.span.name) == ["GET /files", "read", "late child"])
        #expect(report.spans.map(\.depth) == [0, 1, 0] && report.spans.map(\.orphan) == [false, false, true])
        #expect(report.renderText(TextStyle(color: false, utc: true, verbose: false)).contains("late child (parent missing)"))
    }

    /// Spans and their trace summaries go with `storage.retention.spans`; a resource no span
    /// uses any more goes with them. A trace straddling the cutoff keeps its summary and its
    /// later spans.
    @Test func retentionPrunesSpansTracesAndOrigins() throws {
        var old = TraceBuilder(start: t0)
        old.add("old", service: "retired", from: 0, to: 1)
        var straddling = TraceBuilder(start: t0 + 3000)
        let root = straddling.add("nightly", from: 0, to: 1000)
        straddling.add("late step", parent: root, from: 900, to: 1000)
        var recent = TraceBuilder(start: t0 + 7200)
        recent.add("recent", from: 0, to: 1)
        try spans.write(old.spans + straddling.spans + recent.spans)
        let report = try Pruner(spans.store).prune(retention: [.spans: 3600], now: t0 + 7300, dryRun: false)
        #expect(report.total == 4, "the old span, its summary and its origin, the straddling trace's root")
        #expect(try spans.traces(TraceFilter(since: t0 - 1)).map(\.traceID) == [recent.traceID, straddling.traceID])
        #expect(try spans.trace(old.traceID).isEmpty && spans.trace(recent.traceID).count == 1)
        #expect(try spans.trace(straddling.traceID).map(\.name) == ["late step"])
        let origins = try spans.store.read { db in try String.fetchAll(db, sql: "SELECT service FROM span_origins") }
        #expect(origins == ["gateway"])
    }

    @Test func prefixesResolveToOneTrace() throws {
        let a = Span(traceID: Data(hex: "abcd0000000000000000000000000001")!, spanID: Span.newSpanID(), parentSpanID: nil, name: "a",
                     start: t0, end: t0 + 1)
        let b = Span(traceID: Data(hex: "abcd0000000000000000000000000002")!, spanID: Span.newSpanID(), parentSpanID: nil, name: "b",
                     start: t0, end: t0 + 1)
        try spans.write([a, b])
        #expect(try spans.resolveTrace("ABCD0000000000000000000000000002").traceID == b.traceID)
        #expect(try spans.resolveTrace(a.traceID.hex).rootName == "a")
        #expect(throws: BlackholeError.self) { try spans.resolveTrace("abcd") }
        #expect(throws: BlackholeError.self) { try spans.resolveTrace("ffff") }
        #expect(throws: BlackholeError.self) { try spans.resolveTrace("xyz") }
    }

    /// Spans of the first schema (no events, links or resource) survive the migration.
    @Test func firstSchemaSpansAreCarriedOver() throws {
        let path = dir.file("old.db")
        let first = Array(Schema.migrations.prefix { $0.name != SpanStore.originsMigration.name })
        let old = try Store(path: path, migrations: first)
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO spans VALUES (?, ?, NULL, 'blackhole', 'p2p.discovery', 1, 1800000000000000000, 1800000002000000000, 2,
                                          'no peers', '{"peers":{"intValue":"0"}}')
                """, arguments: [Data(hex: "0af7651916cd43dd8448eb211c80319c")!, Data(hex: "b7ad6b7169203331")!])
        }
        let migrated = SpanStore(try Store(path: path))
        let read = try migrated.trace(Data(hex: "0af7651916cd43dd8448eb211c80319c")!)
        #expect(read.count == 1 && read.first?.service == "blackhole" && read.first?.statusMessage == "no peers")
        #expect(read.first?.attributes == ["peers": .int(0)] && read.first?.duration == 2)
        #expect(try migrated.traces(TraceFilter(since: t0)).first?.rootName == "p2p.discovery")
    }
}

@Suite struct SpanIngestionTests {
    let dir = TemporaryDirectory()

    @Test func everyOTLPValueShapeDecodes() throws {
        let document = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"ledger"}}]},
              "scopeSpans":[{"scope":{"name":"ledger.db","version":"1"},"spans":[{
                "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b173","parentSpanId":"",
                "name":"commit","kind":"SPAN_KIND_SERVER","startTimeUnixNano":1800000000000000000,"endTimeUnixNano":"1800000000500000000",
                "someFutureField":{"x":1},
                "attributes":[
                  {"key":"s","value":{"stringValue":"x"}},{"key":"b","value":{"boolValue":true}},
                  {"key":"i","value":{"intValue":"-9223372036854775808"}},{"key":"d","value":{"doubleValue":"NaN"}},
                  {"key":"bytes","value":{"bytesValue":"AP8="}},
                  {"key":"list","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"two"}]}}},
                  {"key":"map","value":{"kvlistValue":{"values":[{"key":"deep","value":{"boolValue":false}}]}}}],
                "events":[{"timeUnixNano":"1800000000100000000","name":"retry","attributes":[{"key":"n","value":{"intValue":2}}]}],
                "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","traceState":"k=v"}],
                "status":{"code":2,"message":"conflict"}}]}]}]}
            """
        let decoded = try OTLPJSON.decodeTraces(Data(document.utf8))
        #expect(decoded.rejected == 0)
        let span = try #require(decoded.spans.first)
        #expect(span.traceID.hex == "5b8efff798038103d269b633813fc60c" && span.parentSpanID == nil && span.kind == .server)
        #expect(span.durationNanos == 500_000_000 && span.statusCode == .error && span.statusMessage == "conflict")
        #expect(span.attributes["i"] == .int(.min) && span.attributes["bytes"] == .bytes(Data([0, 255])))
        #expect(span.attributes["list"] == .array([.int(1), .string("two")]))
        #expect(span.attributes["map"] == .map(["deep": .bool(false)]))
        if case .double(let value) = span.attributes["d"] { #expect(value.isNaN) } else { Issue.record("d: \(String(describing: span.attributes["d"]))") }
        #expect(span.events == [Span.Event(timeNanos: 1_800_000_000_100_000_000, name: "retry", attributes: ["n": .int(2)])])
        #expect(span.links.first?.traceState == "k=v" && span.origin.service == "ledger" && span.origin.scopeName == "ledger.db")

        // Stored and read back whole.
        let store = SpanStore(try Store(path: dir.file("t.db")))
        try store.write(decoded.spans)
        let read = try #require(try store.trace(span.traceID).first)
        #expect(read.events == span.events && read.links == span.links && read.origin == span.origin)
        #expect(read.attributes.filter { $0.key != "d" } == span.attributes.filter { $0.key != "d" })
    }

    @Test func wrongTypesAndBadIdsSayWhere() throws {
        let wrongType = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","startTimeUnixNano":[1]}]}]}]}"#
        #expect {
            try OTLPJSON.decodeTraces(Data(wrongType.utf8))
        } throws: { error in
            "\(error)".contains("resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano")
        }
        let badIDs = #"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"00000000000000000000000000000000","spanId":"eee19b7ec3c1b173","startTimeUnixNano":"1","endTimeUnixNano":"1"},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7e","startTimeUnixNano":"1","endTimeUnixNano":"1"},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173","startTimeUnixNano":"5","endTimeUnixNano":"1"},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}
            """#
        let decoded = try OTLPJSON.decodeTraces(Data(badIDs.utf8))
        #expect(decoded.spans.count == 1 && decoded.rejected == 3)
        #expect(decoded.firstProblem?.contains("trace id") == true, "\(decoded.firstProblem ?? "")")
        #expect(throws: BlackholeError.self) { try OTLPProtobuf.decodeTraces(Data([0x0A, 0x10, 0x01])) }
    }

    @Test func jsonIsReadWhateverTheKeyOrderAndEscapes() throws {
        // The resource after its spans, escapes of every kind, white space everywhere.
        let document = #"""
            { "resourceSpans" : [ { "scopeSpans" : [ { "spans" : [ { "name" : "caf\u00e9 \ud83d\ude80 \"q\"\n\t\\\/",
                "traceId" : "5b8efff798038103d269b633813fc60c", "spanId" : "eee19b7ec3c1b173",
                "startTimeUnixNano" : 1, "endTimeUnixNano" : "2", "kind" : "2", "extra" : [ null, true, -1.5e3, { } ] } ],
              "scope" : { "name" : "s" } } ],
              "resource" : { "attributes" : [ { "key" : "service.name", "value" : { "stringValue" : "ledger" } } ] } } ] }
            """#
        let span = try #require(try OTLPJSON.decodeTraces(Data(document.utf8)).spans.first)
        #expect(span.name == "café 🚀 \"q\"\n\t\\/" && span.service == "ledger" && span.origin.scopeName == "s" && span.kind == .server)

        for (garbage, message) in [(#"{"resourceSpans":["#, "not valid JSON at byte 19"), (#"{"resourceSpans":[]} x"#, "after the document"),
                                   ("[1]", "document: expected an object"), (#"{"resourceSpans":{}}"#, "resourceSpans: expected an array"),
                                   (#"{"a":"\x"}"#, "invalid escape"), ("", "unexpected end")] {
            #expect("\(garbage)") {
                try OTLPJSON.decodeTraces(Data(garbage.utf8))
            } throws: { error in
                error is BlackholeError && "\(error)".contains(message)
            }
        }
    }

    @Test func hostileJSONIsRefusedInOneLine() throws {
        let deep = #"{"resourceSpans":[{"x":"# + String(repeating: "[", count: 100_000)
        #expect {
            try OTLPJSON.decodeTraces(Data(deep.utf8))
        } throws: { error in
            "\(error)".contains("nested more than 64 levels deep")
        }
        // null where an object or a value is expected means "not set", as protobuf's JSON mapping has it.
        let nulls = #"""
            {"resourceSpans":[{"resource":null,"scopeSpans":[{"scope":null,"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
              "spanId":"eee19b7ec3c1b173","parentSpanId":"0000000000000000","name":"n","kind":null,"status":null,
              "startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":{"boolValue":null}}]}]}]}]}
            """#
        let span = try #require(try OTLPJSON.decodeTraces(Data(nulls.utf8)).spans.first)
        #expect(span.parentSpanID == nil && span.kind == .unspecified && span.attributes["k"] == .bool(false))
        let longID = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\#(String(repeating: "z", count: 5000))\n"}]}]}]}"#
        let decoded = try OTLPJSON.decodeTraces(Data(longID.utf8))
        let problem = try #require(decoded.firstProblem)
        #expect(problem.count < 200 && !problem.contains("\n") && problem.contains("is not hex"), "\(problem)")
    }

    @Test func samplingKeepsOrDropsWholeTraces() throws {
        var lines: [String] = []
        var traceIDs: [String] = []
        for _ in 0..<400 {
            let traceID = Span.newTraceID().hex
            traceIDs.append(traceID)
            let spans = (0..<3).map { _ in
                #"{"traceId":"\#(traceID)","spanId":"\#(Span.newSpanID().hex)","name":"s","startTimeUnixNano":"1800000000000000000","endTimeUnixNano":"1800000000000000001"}"#
            }
            lines.append(#"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(spans.joined(separator: ","))]}]}]}"#)
        }
        let file = dir.write("spans.jsonl", lines.joined(separator: "\n"))
        let store = try Store(path: dir.file("t.db"))
        let report = try SpanIngestor(SpanStore(store), sampleRate: 0.25).ingest(paths: [file])
        let counts = try store.read { db in try Int.fetchAll(db, sql: "SELECT span_count FROM traces") }
        #expect(counts.allSatisfy { $0 == 3 })
        #expect((60...140).contains(counts.count), "kept \(counts.count) of 400 traces")
        #expect(report.files.first?.sampledOut == (400 - counts.count) * 3)
        let sampler = TraceSampler(rate: 0.25)
        #expect(counts.count == traceIDs.filter { sampler.keeps(Data(hex: $0)!) }.count)
    }

    @Test func gzipAndTheFormatsAreDetected() throws {
        let line = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#
        let plain = dir.write("a.jsonl", line + "\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        let store = try Store(path: dir.file("t.db"))
        let report = try SpanIngestor(SpanStore(store)).ingest(paths: [plain + ".gz"])
        #expect(report.files.first?.compressed == true && report.files.first?.format == .jsonLines && report.accepted == 1)

        var truncated = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        truncated.removeLast(12)
        try truncated.write(to: URL(fileURLWithPath: dir.file("cut.gz")))
        let cut = try SpanIngestor(SpanStore(store)).ingest(paths: [dir.file("cut.gz")])
        #expect(cut.files.first?.problems.first?.contains("gzip") == true, "\(cut.files.first?.problems ?? [])")
    }
}

@Suite struct TraceParentTests {
    @Test func parsesTheW3CHeader() {
        let parent = TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(parent?.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736" && parent?.spanID.hex == "00f067aa0ba902b7")
        #expect(parent?.flags == 1 && parent?.header == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(TraceParent(header: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future")?.flags == 0)
        for bad in ["", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"] {
            #expect(TraceParent(header: bad) == nil, "\(bad)")
        }
    }
}

/// The analyzer and `resolveTrace` behind the `SpanReader` seam, with a reader that is not
/// SQLite: they see only query values, and build their findings from what comes back.
@Suite struct SpanReaderSeamTests {
    /// Hands back fixed answers and remembers the queries.
    final class FixedReader: SpanReader, @unchecked Sendable {
        var summaries: [TraceSummary] = []
        var window = SpanTimings()
        private(set) var traceFilters: [TraceFilter] = []
        private(set) var spanFilters: [SpanFilter] = []

        func traces(_ filter: TraceFilter) throws -> [TraceSummary] {
            traceFilters.append(filter)
            return summaries
        }

        func traces(idPrefix prefix: String, limit: Int) throws -> [TraceSummary] {
            Array(summaries.filter { $0.traceID.hex.hasPrefix(prefix) }.prefix(limit))
        }

        func trace(_ traceID: Data) throws -> [Span] { [] }

        func timings(_ filter: SpanFilter) throws -> SpanTimings {
            spanFilters.append(filter)
            return window
        }
    }

    static func summary(_ hex: String, seconds: Double, errors: Int = 0) -> TraceSummary {
        TraceSummary(traceID: Data(hex: hex)!, rootService: "gateway", rootName: "POST /files", hasRoot: true,
                     startNanos: 1_000_000_000, endNanos: 1_000_000_000 + UInt64(seconds * 1e9), spanCount: 4, errorCount: errors,
                     services: ["gateway", "storage"])
    }

    @Test func detectorsAskForTheirWindowAndThresholds() throws {
        let reader = FixedReader()
        reader.summaries = [Self.summary("0af7651916cd43dd8448eb211c80319c", seconds: 7.5, errors: 3)]
        // A discovery of 31 s in the storage service, and one of 40 s elsewhere, which the
        // reader hands back although the filter leaves it out.
        reader.window.operations = [("storage", "p2p.discovery.dht"), ("ledger", "p2p.discovery.dht")]
        reader.window.traceIDs = [Data(hex: "0af7651916cd43dd8448eb211c80319c")!]
        reader.window.traceRanges = [0..<2]
        reader.window.spans = [SpanTiming(spanID: 1, parent: 0, operation: 0, kind: .internal, error: false, start: 0, end: 31_000_000_000),
                               SpanTiming(spanID: 2, parent: 1, operation: 1, kind: .internal, error: false, start: 0, end: 40_000_000_000)]
        let since = Date(timeIntervalSince1970: 1000), until = Date(timeIntervalSince1970: 2000)
        let analyzer = TraceAnalyzer(reader, thresholds: [.slowServiceCall: 5, .cascadingFailures: 3, .p2pDiscoveryTimeout: 30])
        let issues = try analyzer.detect(TracePattern.allCases, since: since, until: until, service: "storage")

        #expect(reader.traceFilters.count == 2)
        let slow = reader.traceFilters[0], failing = reader.traceFilters[1]
        #expect(slow.since == since && slow.until == until && slow.service == "storage")
        #expect(slow.longerThan == 5 && slow.minDuration == nil && slow.order == .longestFirst && slow.limit == .max)
        #expect(failing.minErrors == 3 && failing.longerThan == nil)
        // Only the spans that could match are asked for; what comes back is judged all the same.
        let spans = try #require(reader.spanFilters.first)
        #expect(reader.spanFilters.count == 1 && spans.since == since && spans.until == until)
        #expect(spans.nameContains == "p2p.discovery" && spans.longerThan == 30 && spans.service == "storage")
        #expect(issues.map(\.pattern) == [.slowServiceCall, .p2pDiscoveryTimeout, .cascadingFailures])
        #expect(issues[0].description == "gateway POST /files took 7.5s, over 5s, across 4 spans")
        #expect(issues[1].description == "storage p2p.discovery.dht ran 31s, over 30s" && issues[1].services == ["storage"])
        #expect(issues[0].durationMs == 7500)
    }

    @Test func prefixesResolveThroughTheReader() throws {
        let reader = FixedReader()
        reader.summaries = [Self.summary("0af7651916cd43dd8448eb211c80319c", seconds: 1),
                            Self.summary("0af7ffff16cd43dd8448eb211c80319c", seconds: 1)]
        #expect(try reader.resolveTrace("0AF765").traceID.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(throws: BlackholeError(.usage, "0af7 is ambiguous: 0af7651916cd43dd8448eb211c80319c, 0af7ffff16cd43dd8448eb211c80319c; give more digits")) {
            try reader.resolveTrace("0af7")
        }
        #expect(throws: BlackholeError(.usage, "trace id \"xyz\" is not hex (up to 32 digits)")) { try reader.resolveTrace("xyz") }
    }
}
