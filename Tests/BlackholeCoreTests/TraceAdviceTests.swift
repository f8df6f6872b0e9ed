import Foundation
import Testing
import TestSupport
@testable import BlackholeCore

/// Span timings made by hand, trace by trace; times in milliseconds.
private struct Timings {
    var value = SpanTimings()
    private var nextID: UInt64 = 1

    /// Starts a trace: the spans added next belong to it.
    mutating func trace() {
        value.traceIDs.append(Data(repeating: UInt8(value.traceIDs.count + 1), count: 16))
        value.traceRanges.append(value.spans.count..<value.spans.count)
    }

    @discardableResult
    mutating func span(_ service: String, _ name: String, under parent: UInt64 = 0, _ from: Double, _ to: Double,
                       kind: Span.Kind = .internal, error: Bool = false) -> UInt64 {
        let operation: Int
        if let known = value.operations.firstIndex(where: { $0.service == service && $0.name == name }) {
            operation = known
        } else {
            operation = value.operations.count
            value.operations.append((service, name))
        }
        defer { nextID += 1 }
        value.spans.append(SpanTiming(spanID: nextID, parent: parent, operation: Int32(operation), kind: kind, error: error,
                                      start: Int64(from * 1e6), end: Int64(to * 1e6)))
        let last = value.traceRanges.count - 1
        value.traceRanges[last] = value.traceRanges[last].lowerBound..<value.spans.count
        return nextID
    }

    /// A gateway request calling `count` storage `db.get`s one after another, 10ms each but the
    /// last, which takes `last` ms.
    mutating func nPlusOne(_ count: Int, last: Double = 10) {
        trace()
        let root = span("gateway", "GET /profile", 0, Double(count) * 10 + last)
        for call in 0..<count {
            span("storage", "db.get", under: root, Double(call) * 10, Double(call) * 10 + (call == count - 1 ? last : 10))
        }
    }

    var trace1: Data { value.traceIDs[0] }
}

@Suite struct TraceAdviceTests {
    private func advice(_ timings: Timings, service: String? = nil) -> [Advice] { Advice.find(in: timings.value, service: service) }

    @Test func nPlusOneSavesAllButTheLongestCall() throws {
        var timings = Timings()
        timings.nPlusOne(12, last: 30)
        let found = advice(timings)
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding.kind == .nPlusOne && finding.service == "gateway" && finding.operation == "GET /profile")
        #expect(finding.spanNames == ["db.get"] && finding.spanServices == ["storage"])
        #expect(finding.occurrences == 1 && finding.calls == 12 && finding.traceIDs == [timings.trace1])
        // 11 calls of 10ms and one of 30ms: all but the longest.
        #expect(abs(finding.estimatedSavingMs - 110) < 1e-6)
        #expect(finding.description == "gateway GET /profile calls storage db.get 12 times each time it runs: fetch them in one batched call")
    }

    @Test func nPlusOneNeedsFiveCalls() {
        var three = Timings()
        three.nPlusOne(3)
        #expect(advice(three).isEmpty)
        var four = Timings()
        four.nPlusOne(4)
        #expect(advice(four).isEmpty)
        var five = Timings()
        five.nPlusOne(5)
        #expect(advice(five).map(\.kind) == [.nPlusOne])
    }

    @Test func oneShapeSeenInManyTracesIsOneFinding() throws {
        var timings = Timings()
        timings.nPlusOne(6)
        timings.nPlusOne(12)
        timings.nPlusOne(8)
        let finding = try #require(advice(timings).first)
        #expect(advice(timings).count == 1)
        #expect(finding.occurrences == 3 && finding.calls == 26)
        #expect(abs(finding.estimatedSavingMs - (50 + 110 + 70)) < 1e-6)
        // Evidence: the traces where the change saves most first.
        #expect(finding.traceIDs == [timings.value.traceIDs[1], timings.value.traceIDs[2], timings.value.traceIDs[0]])
        #expect(finding.description.contains("db.get 6–12 times"), "\(finding.description)")
    }

    @Test func serialFanOutSavesAllButTheLongest() throws {
        var timings = Timings()
        timings.trace()
        let root = timings.span("gateway", "POST /transfer", 0, 100)
        timings.span("identity", "lookup", under: root, 0, 20)
        timings.span("ledger", "debit", under: root, 20, 50)
        timings.span("storage", "put", under: root, 55, 90)
        let finding = try #require(advice(timings).first)
        #expect(advice(timings).count == 1)
        #expect(finding.kind == .serialFanOut && finding.operation == "POST /transfer" && finding.calls == 3)
        #expect(finding.spanNames == ["debit", "lookup", "put"] && finding.spanServices == ["identity", "ledger", "storage"])
        #expect(abs(finding.estimatedSavingMs - 50) < 1e-6, "20 + 30 + 35 less the longest, 35")
        #expect(finding.description == "gateway POST /transfer calls identity lookup, ledger debit and storage put one after another: run them concurrently")
    }

    @Test func serialFanOutKeepsRepeatedCallsInOrderAndCountsClientSpans() throws {
        var timings = Timings()
        timings.trace()
        // Client spans of the gateway itself are calls out too; the two reads may depend on each other.
        let root = timings.span("gateway", "GET /feed", 0, 200)
        timings.span("gateway", "GET identity", under: root, 0, 20, kind: .client)
        timings.span("gateway", "GET storage", under: root, 20, 50, kind: .client)
        timings.span("gateway", "GET storage", under: root, 50, 80, kind: .client)
        timings.span("gateway", "GET ledger", under: root, 80, 120, kind: .client)
        timings.span("gateway", "render", under: root, 120, 200)
        let finding = try #require(advice(timings).first)
        #expect(finding.kind == .serialFanOut && finding.calls == 4)
        #expect(abs(finding.estimatedSavingMs - (120 - 60)) < 1e-6, "the two storage calls stay in order: 60ms")
    }

    @Test func concurrentOrTooFewCallsAreNoFanOut() {
        var overlapping = Timings()
        overlapping.trace()
        var root = overlapping.span("gateway", "POST /transfer", 0, 100)
        overlapping.span("identity", "lookup", under: root, 0, 20)
        overlapping.span("ledger", "debit", under: root, 10, 50)
        overlapping.span("storage", "put", under: root, 45, 90)
        #expect(advice(overlapping).isEmpty)

        var two = Timings()
        two.trace()
        root = two.span("gateway", "POST /transfer", 0, 100)
        two.span("identity", "lookup", under: root, 0, 20)
        two.span("ledger", "debit", under: root, 20, 50)
        two.span("gateway", "validate", under: root, 50, 90)
        #expect(advice(two).isEmpty, "the gateway's own work is no call to another service")
    }

    @Test func retryStormCountsTheFailedAttempts() throws {
        var timings = Timings()
        timings.trace()
        let root = timings.span("gateway", "POST /files", 0, 100)
        timings.span("storage", "put", under: root, 0, 10, error: true)
        timings.span("storage", "put", under: root, 15, 30, error: true)
        timings.span("storage", "put", under: root, 35, 45)
        let found = advice(timings)
        let finding = try #require(found.first)
        #expect(found.count == 1, "\(found)")
        #expect(finding.kind == .retryStorm && finding.calls == 3 && finding.spanNames == ["put"])
        #expect(abs(finding.estimatedSavingMs - 25) < 1e-6)
        #expect(finding.description == "gateway POST /files tried storage put 3 times in a row after failures: fix the failure, or retry fewer times with backoff")
    }

    @Test func oneRetryOrRepeatsAfterSuccessAreNoStorm() {
        var once = Timings()
        once.trace()
        var root = once.span("gateway", "POST /files", 0, 100)
        once.span("storage", "put", under: root, 0, 10, error: true)
        once.span("storage", "put", under: root, 15, 30)
        #expect(advice(once).isEmpty)

        var succeeded = Timings()
        succeeded.trace()
        root = succeeded.span("gateway", "POST /files", 0, 100)
        succeeded.span("storage", "put", under: root, 0, 10)
        succeeded.span("storage", "put", under: root, 15, 30, error: true)
        succeeded.span("storage", "put", under: root, 35, 45)
        #expect(advice(succeeded).isEmpty, "the first attempt succeeded: three calls, not a retry storm")
    }

    /// 30 requests, each 1ms of the gateway's own and a storage query of 5ms, but one of 100ms.
    private func slowQueries(_ count: Int) -> Timings {
        var timings = Timings()
        for request in 0..<count {
            timings.trace()
            let query = request == 0 ? 100.0 : 5
            let root = timings.span("gateway", "GET /search", 0, query + 1)
            timings.span("storage", "db.query", under: root, 1, query + 1)
        }
        return timings
    }

    @Test func slowOperationSavesItsSelfTimeAboveTheMedian() throws {
        let timings = slowQueries(30)
        let found = advice(timings)
        let finding = try #require(found.first)
        #expect(found.count == 1, "\(found)")
        #expect(finding.kind == .slowOperation && finding.service == "storage" && finding.operation == "db.query")
        #expect(finding.calls == 30 && finding.occurrences == 1 && finding.traceIDs == [timings.trace1])
        #expect(abs(finding.estimatedSavingMs - 95) < 1e-6)
        // 245ms of the 275ms of self time.
        #expect(finding.description.hasPrefix("storage db.query holds 89% of all self time over 30 spans (self time median 5ms, p95"),
                "\(finding.description)")
    }

    @Test func slowOperationNeedsSamplesAndShare() {
        #expect(advice(slowQueries(19)).isEmpty, "19 spans are too few")
        var timings = slowQueries(30)
        // The gateway's own work now dwarfs the queries: 30 × 400ms.
        for request in 0..<30 {
            timings.trace()
            timings.span("gateway", "GET /export", 0, 400 + Double(request))
        }
        #expect(!advice(timings).contains { $0.operation == "db.query" }, "\(advice(timings))")
    }

    /// A gateway request making `count` calls to storage, overlapping one another (so no serial
    /// fan-out), each of a few names (so no N+1), `duration` ms each.
    private func chatty(_ count: Int, duration: Double = 8) -> Timings {
        var timings = Timings()
        timings.trace()
        let root = timings.span("gateway", "GET /dashboard", 0, Double(count) * 5 + duration)
        let names = ["db.get", "db.put", "db.scan"]
        for call in 0..<count {
            timings.span("storage", names[call % 3], under: root, Double(call) * 5, Double(call) * 5 + duration)
        }
        return timings
    }

    @Test func chattyServicesSaveTheFixedCostOfAllButOneCall() throws {
        let found = advice(chatty(10))
        let finding = try #require(found.first)
        #expect(found.count == 1, "\(found)")
        #expect(finding.kind == .chattyServices && finding.service == "gateway" && finding.operation == nil)
        #expect(finding.spanServices == ["storage"] && finding.spanNames == ["db.get", "db.put", "db.scan"])
        #expect(finding.calls == 10 && finding.occurrences == 1)
        #expect(abs(finding.estimatedSavingMs - 9 * 8) < 1e-6)
        #expect(finding.description == "gateway calls storage 10 times per trace, each 50ms or less: batch the calls or cache the answers")
    }

    @Test func fewOrLongCallsAreNotChatty() {
        #expect(advice(chatty(9)).isEmpty)
        #expect(advice(chatty(10, duration: 60)).isEmpty, "long calls are work, not chatter")
    }

    @Test func aCallCountsForOneShapeOnly() throws {
        var timings = Timings()
        timings.trace()
        // 12 client spans, each with the storage server span under it: one N+1, not also chatty.
        let root = timings.span("gateway", "GET /profile", 0, 130)
        for call in 0..<12 {
            let client = timings.span("gateway", "db.get", under: root, Double(call) * 10, Double(call) * 10 + 9, kind: .client)
            timings.span("storage", "db.get", under: client, Double(call) * 10 + 1, Double(call) * 10 + 8, kind: .server)
        }
        #expect(advice(timings).map(\.kind) == [.nPlusOne], "\(advice(timings))")
    }

    @Test func rankedByEstimatedSavingAndFilteredByService() {
        var timings = Timings()
        timings.nPlusOne(12)
        timings.trace()
        let root = timings.span("gateway", "POST /transfer", 0, 1000)
        timings.span("identity", "lookup", under: root, 0, 200)
        timings.span("ledger", "debit", under: root, 200, 500)
        timings.span("storage", "put", under: root, 500, 600)
        timings.trace()
        let upload = timings.span("gateway", "POST /files", 0, 100)
        timings.span("storage", "put", under: upload, 0, 10, error: true)
        timings.span("storage", "put", under: upload, 15, 30, error: true)
        timings.span("storage", "put", under: upload, 35, 45)
        let found = advice(timings)
        #expect(found.map(\.kind) == [.serialFanOut, .nPlusOne, .retryStorm])
        #expect(found.map(\.estimatedSavingMs) == [300, 110, 25])
        #expect(advice(timings, service: "ledger").map(\.kind) == [.serialFanOut])
        #expect(advice(timings, service: "storage").map(\.kind) == [.serialFanOut, .nPlusOne, .retryStorm])
        #expect(advice(timings, service: "p2p").isEmpty)
    }

    /// The reading step: stored spans, their kind included (client spans of the gateway itself
    /// are its calls out).
    @Test func adviceOverStoredSpans() throws {
        let dir = TemporaryDirectory()
        let store = SpanStore(try Store(path: dir.file("t.db")))
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let traceID = Span.newTraceID()
        let root = Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: nil, name: "GET /feed", kind: .server,
                        start: t0, end: t0 + 0.1, service: "gateway")
        let calls = ["GET identity", "GET storage", "GET ledger"].enumerated().map { index, name in
            Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: root.spanID, name: name, kind: .client,
                 start: t0 + Double(index) * 0.03, end: t0 + Double(index) * 0.03 + 0.02, service: "gateway")
        }
        try store.write([root] + calls)
        let found = try TraceAnalyzer(store, thresholds: [:]).advice(since: t0, until: t0 + 60)
        #expect(found.traceCount == 1 && found.advice.map(\.kind) == [.serialFanOut], "\(found)")
        #expect(found.advice.first?.traceIDs == [traceID])
        #expect(abs((found.advice.first?.estimatedSavingMs ?? 0) - 40) < 1e-6)
        #expect(try TraceAnalyzer(store, thresholds: [:]).advice(since: t0 + 1, until: t0 + 60).traceCount == 0)
    }

    @Test func reportRendersAndEncodes() throws {
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        var timings = Timings()
        timings.nPlusOne(12)
        let report = TraceAdviceReport(since: since, until: since + 3600, traceCount: 1, advice: advice(timings))
        let style = TextStyle(color: false, utc: true)
        let text = report.renderText(style)
        #expect(text.hasPrefix("Advice from 1 traces since 2027-01-15 08:00:00Z, biggest estimated saving first:"), "\(text)")
        #expect(text.contains("110ms  n_plus_one") && text.contains("0101010101010101") && text.contains("fetch them in one batched call"),
                "\(text)")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(report).utf8)) as? [String: Any])
        #expect(json["trace_count"] as? Int == 1 && json["since"] as? String == "2027-01-15T08:00:00.000Z")
        let finding = try #require((json["advice"] as? [[String: Any]])?.first)
        #expect(Set(finding.keys) == ["kind", "service", "operation", "span_names", "span_services", "occurrences", "calls",
                                      "estimated_saving_ms", "trace_ids", "description"])
        #expect(finding["kind"] as? String == "n_plus_one" && finding["trace_ids"] as? [String] == [String(repeating: "01", count: 16)])

        let quiet = TraceAdviceReport(since: since, until: since + 3600, traceCount: 4, advice: []).renderText(style)
        #expect(quiet == "No advice: 4 traces since 2027-01-15 08:00:00Z show no N+1, serial fan-out, retry storm, slow operation or chatty services.")
        let none = TraceAdviceReport(since: since, until: since + 3600, traceCount: 0, advice: []).renderText(style)
        #expect(none.hasPrefix("No advice: no traces since 2027-01-15 08:00:00Z."))
    }
}
