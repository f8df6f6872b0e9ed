import Foundation
import Testing
import TestSupport

/// `analyze --advice` through the binary, over hand-written OTLP/JSON ingested into a sandbox.
@Suite struct AnalyzeAdviceCLITests {
    let cli = CLI()
    /// A minute ago, in nanoseconds: inside `--since`'s default hour.
    let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 60_000_000_000

    /// A span of a request: its service, ids and times in milliseconds from `start`.
    struct SpanLine {
        let service: String
        let id: String
        let parent: String?
        let name: String
        let from: Double
        let to: Double

        init(_ service: String, _ id: String, under parent: String? = nil, _ name: String, _ from: Double, _ to: Double) {
            (self.service, self.id, self.parent, self.name, self.from, self.to) = (service, id, parent, name, from, to)
        }

        func json(trace: String, start: UInt64) -> String {
            let parentField = parent.map { #""parentSpanId":"\#($0)","# } ?? ""
            let times = #""startTimeUnixNano":"\#(start + UInt64(from * 1e6))","endTimeUnixNano":"\#(start + UInt64(to * 1e6))""#
            return #"{"traceId":"\#(trace)","spanId":"\#(id)",\#(parentField)"name":"\#(name)",\#(times)}"#
        }
    }

    /// One OTLP/JSON request: each service's spans under its own resource.
    func request(trace: String, _ spans: [SpanLine]) -> String {
        let byService = Dictionary(grouping: spans, by: \.service)
        let resources = byService.keys.sorted().map { service -> String in
            let encoded = byService[service]!.map { $0.json(trace: trace, start: start) }.joined(separator: ",")
            let resource = #"{"attributes":[{"key":"service.name","value":{"stringValue":"\#(service)"}}]}"#
            return #"{"resource":\#(resource),"scopeSpans":[{"spans":[\#(encoded)]}]}"#
        }
        return #"{"resourceSpans":[\#(resources.joined(separator: ","))]}"#
    }

    /// A profile request reading `count` storage `db.get`s one after another, 10ms each.
    func profile(trace: String, calls count: Int) -> String {
        let root = "a000000000000001"
        let calls = (0..<count).map { call in
            SpanLine("storage", String(format: "b%015x", call), under: root, "db.get", Double(call) * 10, Double(call) * 10 + 10)
        }
        return request(trace: trace, [SpanLine("gateway", root, "GET /api/v1/profile", 0, Double(count) * 10 + 5)] + calls)
    }

    func ingest(_ name: String, _ document: String) throws {
        let result = try cli.run("telemetry", "ingest", cli.write(name, document + "\n"))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    func advice(_ extra: String...) throws -> [[String: Any]] {
        let result = try cli.run(["telemetry", "analyze", "--advice", "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.json["advice"] as? [[String: Any]] ?? []
    }

    @Test func nPlusOneThenRankedWithASerialFanOut() throws {
        defer { cli.cleanUp() }
        let twelve = "1f000000000000000000000000000012", three = "1f000000000000000000000000000003"
        try ingest("twelve.json", profile(trace: twelve, calls: 12))
        try ingest("three.json", profile(trace: three, calls: 3))

        let found = try advice()
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding["kind"] as? String == "n_plus_one" && finding["span_names"] as? [String] == ["db.get"])
        #expect(finding["service"] as? String == "gateway" && finding["operation"] as? String == "GET /api/v1/profile")
        #expect(finding["trace_ids"] as? [String] == [twelve] && finding["calls"] as? Int == 12)
        let saving = try #require(finding["estimated_saving_ms"] as? Double)
        #expect(saving > 0 && abs(saving - 110) < 0.01, "11 of the 12 calls of 10ms")

        // A transfer calling three services one after another saves less: it ranks second.
        let root = "c000000000000001"
        try ingest("transfer.json", request(trace: "2f000000000000000000000000000001", [
            SpanLine("gateway", root, "POST /api/v1/transfer", 0, 100),
            SpanLine("identity", "c000000000000002", under: root, "identity.lookup", 0, 20),
            SpanLine("ledger", "c000000000000003", under: root, "ledger.debit", 20, 50),
            SpanLine("storage", "c000000000000004", under: root, "storage.put", 55, 90),
        ]))
        let ranked = try advice()
        #expect(ranked.map { $0["kind"] as? String } == ["n_plus_one", "serial_fan_out"], "\(ranked)")
        #expect(abs((ranked.last?["estimated_saving_ms"] as? Double ?? 0) - 50) < 0.01)
        #expect(try advice("--service", "ledger").map { $0["kind"] as? String } == ["serial_fan_out"])

        let text = try cli.run("telemetry", "analyze", "--advice")
        #expect(text.status == 0 && text.stdout.hasPrefix("Advice from 3 traces since"), "\(text.stdout)")
        #expect(text.stdout.contains("calls storage db.get 12 times each time it runs: fetch them in one batched call"), "\(text.stdout)")
        let quiet = try cli.run("telemetry", "analyze", "--advice", "--service", "p2p")
        #expect(quiet.status == 0 && quiet.stdout.hasPrefix("No advice: 3 traces since"), "\(quiet.stdout)")
    }

    @Test func adviceReplacesFindingsAndTheSummary() throws {
        defer { cli.cleanUp() }
        let empty = try cli.run("telemetry", "analyze", "--advice")
        #expect(empty.status == 0 && empty.stdout.hasPrefix("No advice: no traces since"), "\(empty.stdout)")
        for other in [["--summary"], ["--pattern", "slow_requests"]] {
            let refused = try cli.run(["telemetry", "analyze", "--advice"] + other)
            expectOneLineError(refused, containing: "--advice shows advice instead of findings and the summary")
            #expect(refused.status == 64)
        }
    }
}
