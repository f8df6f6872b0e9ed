import Foundation
import Testing
import TestSupport

/// Traces through the binary: spans made by the real OpenTelemetry SDK go in with `ingest` and
/// come back out of `trace --json`; `exec` spans nest through TRACEPARENT.
@Suite(.serialized) struct TracesCLITests {
    let cli = CLI()

    /// Runs `Tests/Fixtures/otel_spans.py` into the sandbox; returns the trace id it made.
    func sdkSpans() throws -> String {
        let made = try CLI.program(["python3", Fixtures.path("otel_spans.py"), cli.home])
        #expect(made.status == 0, "\(made.stderr)")
        return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func json(_ arguments: String...) throws -> [String: Any] {
        let result = try cli.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.json
    }

    /// Every field the SDK set, compared with what the SDK itself says it set.
    func expectSDKSpans(_ trace: [String: Any], traceID: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.path("expected.json"))))
            as? [[String: Any]])
        let spans = try #require(trace["spans"] as? [[String: Any]])
        #expect(spans.count == expected.count, sourceLocation: sourceLocation)
        #expect((trace["trace"] as? [String: Any])?["trace_id"] as? String == traceID, sourceLocation: sourceLocation)
        for want in expected {
            let id = want["span_id"] as! String
            let got = try #require(spans.first { $0["span_id"] as? String == id }, "span \(id)", sourceLocation: sourceLocation)
            for (key, value) in want {
                // Events also carry their time as RFC 3339, beside the nanoseconds compared here.
                let reported = key == "events" ? (got[key] as? [[String: Any]])?.map { $0.filter { $0.key != "time" } } : got[key]
                let same = NSDictionary(dictionary: [key: value]).isEqual(to: [key: reported ?? NSNull()])
                #expect(same, "span \(want["name"]!) field \(key): want \(value), got \(got[key] ?? "nothing")", sourceLocation: sourceLocation)
            }
            let start = UInt64(want["start_time_unix_nano"] as! String)!, end = UInt64(want["end_time_unix_nano"] as! String)!
            #expect(abs((got["duration_ms"] as! Double) - Double(end - start) / 1e6) < 1e-6, sourceLocation: sourceLocation)
        }
        // The tree: children under the root, by start.
        #expect(spans.first?["name"] as? String == "PUT /files" && spans.first?["depth"] as? Int == 0, sourceLocation: sourceLocation)
        #expect(spans.dropFirst().map { $0["name"] as? String } == ["store chunk", "replicate", "publish", "ack"], sourceLocation: sourceLocation)
    }

    @Test func sdkProtobufAndHandWrittenJSONRoundTrip() throws {
        defer { cli.cleanUp() }
        let traceID = try sdkSpans()
        let ingested = try json("telemetry", "ingest", cli.path("spans.pb"))
        #expect(ingested["spans_accepted"] as? Int == 5 && ingested["spans_rejected"] as? Int == 0)
        try expectSDKSpans(try json("telemetry", "trace", traceID), traceID: traceID)

        // The same request as OTLP/JSON, into a second database: the same trace comes out.
        let fromJSON = try cli.run("telemetry", "ingest", cli.path("spans.json"), "--db", cli.path("json.db"), "--json")
        #expect(fromJSON.status == 0, "\(fromJSON.stderr)")
        #expect(((fromJSON.json["files"] as? [[String: Any]])?.first?["format"] as? String) == "json")
        try expectSDKSpans(try json("telemetry", "trace", String(traceID.prefix(8)), "--db", cli.path("json.db")), traceID: traceID)

        // Listed, and the text view draws the tree.
        let listed = try json("telemetry", "traces")
        let summary = try #require((listed["traces"] as? [[String: Any]])?.first)
        #expect(summary["trace_id"] as? String == traceID && summary["span_count"] as? Int == 5 && summary["error_count"] as? Int == 1)
        #expect(summary["root_service"] as? String == "storage" && summary["root_name"] as? String == "PUT /files")
        #expect(summary["services"] as? [String] == ["storage"] && summary["start_time"] is String && summary["duration_ms"] is Double)
        let text = try cli.run("telemetry", "trace", traceID, "-v")
        #expect(text.stdout.contains("├─ store chunk") && text.stdout.contains("└─ ack"), "\(text.stdout)")
        #expect(text.stdout.contains("error: peer node-9 refused") && text.stdout.contains("http.method=PUT"))
        #expect(text.stdout.contains("event received"))

        // Sending the same request again stores nothing twice.
        let again = try json("telemetry", "ingest", cli.path("spans.pb"))
        #expect(again["spans_duplicate"] as? Int == 5 && again["spans_accepted"] as? Int == 0)
    }

    /// `ingest` reads OTLP/protobuf and OTLP/JSON each straight into stored rows, by readers of
    /// their own: the same spans in each format come out of every query the same.
    @Test func protobufAndJSONOfTheSameSpansStoreTheSame() throws {
        defer { cli.cleanUp() }
        let generator = URL(fileURLWithPath: Fixtures.directory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("benchmarks/generate_spans.py").path
        let now = String(UInt64(Date().timeIntervalSince1970) * 1_000_000_000)
        var outputs: [String: [String]] = [:]
        for format in ["json", "proto"] {
            let file = cli.path("spans.\(format)"), db = cli.path("\(format).db")
            let made = try CLI.program(["python3", generator, "--spans", "3000", "--format", format, "--now", now, file])
            #expect(made.status == 0, "\(made.stderr)")
            let ingested = try json("telemetry", "ingest", file, "--db", db)
            #expect(ingested["spans_accepted"] as? Int == 3000, "\(ingested)")
            let listed = try cli.run("telemetry", "traces", "--since", "2h", "--limit", "10000", "--db", db, "--json")
            let traces = try #require(listed.json["traces"] as? [[String: Any]])
            #expect(traces.count > 200)
            // Each trace in full, every field of every span, for a sample of them.
            let shown = try stride(from: 0, to: traces.count, by: 17).map { index in
                try cli.run("telemetry", "trace", traces[index]["trace_id"] as! String, "--db", db, "--json")
            }
            let analyzed = try cli.run("telemetry", "analyze", "--since", "2h", "--db", db, "--json")
            let advice = try cli.run("telemetry", "analyze", "--advice", "--since", "2h", "--db", db, "--json")
            let filtered = try cli.run("telemetry", "traces", "--since", "2h", "--attr", "rpc.system=grpc", "--db", db, "--json")
            #expect(((filtered.json["traces"] as? [Any])?.count ?? 0) > 0, "\(filtered.stderr)")
            // The window each query was asked for is of its own moment; everything else must match.
            outputs[format] = try ([listed, analyzed, advice, filtered] + shown).map { result in
                var object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
                object["since"] = nil
                object["until"] = nil
                return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            }
        }
        let fromJSON = try #require(outputs["json"]), fromProtobuf = try #require(outputs["proto"])
        #expect(fromJSON.count == fromProtobuf.count)
        for (json, protobuf) in zip(fromJSON, fromProtobuf) {
            #expect(json == protobuf)
        }
    }

    @Test func badInputIsReportedAndTheRestKept() throws {
        defer { cli.cleanUp() }
        _ = try sdkSpans()
        let whole = try Data(contentsOf: URL(fileURLWithPath: cli.path("spans.pb")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cli.path("truncated.pb")))
        let truncated = try cli.run("telemetry", "ingest", "--format", "proto", cli.path("truncated.pb"))
        #expect(truncated.status == 1 && truncated.stdout.contains("truncated"), "\(truncated.stdout)")

        // A JSON-lines file: a good line, a wrong type, base64 ids, garbage, another good line.
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.path("spans.json"))))
        let good = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let span = #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"late","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#
        let lines = [
            good,
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173","name":"x","startTimeUnixNano":true}]}]}]}"#,
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXM=","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
            "this is not json",
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(span)]}]}]}"#,
        ]
        let file = cli.write("mixed.jsonl", lines.joined(separator: "\n") + "\n")
        let mixed = try cli.run("telemetry", "ingest", file, "--json")
        #expect(mixed.status == 1)
        let report = try #require((mixed.json["files"] as? [[String: Any]])?.first)
        #expect(report["spans_accepted"] as? Int == 6 && report["format"] as? String == "json-lines")
        let problems = (report["problems"] as? [String] ?? []).joined(separator: "\n")
        #expect(problems.contains("line 2:") && problems.contains("startTimeUnixNano"), "\(problems)")
        #expect(problems.contains("line 3:") && problems.contains("base64"), "\(problems)")
        #expect(problems.contains("line 4:"), "\(problems)")
        #expect(!problems.contains("line 1:") && !problems.contains("line 5:"), "\(problems)")

        let empty = try cli.run("telemetry", "ingest", cli.write("empty.jsonl", ""))
        #expect(empty.status == 1 && empty.stdout.contains("empty"), "\(empty.stdout)")

        let missing = try cli.run("telemetry", "ingest", cli.path("nope.jsonl"))
        expectOneLineError(missing, containing: "nope.jsonl")
    }

    /// A 100 MB line is skipped, in memory bounded by the 32 MiB line limit, and the line after it is kept.
    @Test func hugeLineIsSkippedInBoundedMemory() throws {
        defer { cli.cleanUp() }
        let path = cli.path("huge.jsonl")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(#"{"resourceSpans":[{"junk":""#.utf8))
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<100 { try handle.write(contentsOf: chunk) }
        let span = #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"after","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#
        try handle.write(contentsOf: Data("\"}]}\n{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\(span)]}]}]}\n".utf8))
        try handle.close()

        let (process, out, err) = try cli.start(["telemetry", "ingest", path, "--json"])
        let pid = process.processIdentifier
        let peak = PeakMemory()
        let sampler = Thread {
            while process.isRunning {
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                   let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                    peak.record(kilobytes)
                }
                usleep(20_000)
            }
        }
        sampler.start()
        let result = CLI.finish(process, out, err)
        #expect(result.status == 1)
        let report = try #require((result.json["files"] as? [[String: Any]])?.first)
        #expect(report["spans_accepted"] as? Int == 1)
        #expect((report["problems"] as? [String])?.first?.contains("line 1: longer than 32 MiB, skipped") == true, "\(report)")
        #expect(peak.kilobytes > 0 && peak.kilobytes < 100_000, "peak resident memory \(peak.kilobytes) kB")
    }

    @Test func filtersAndPrefixes() throws {
        defer { cli.cleanUp() }
        let traceID = try sdkSpans()
        #expect(try cli.run("telemetry", "ingest", cli.path("spans.pb")).status == 0)
        func count(_ extra: String...) throws -> Int {
            let result = try cli.run(["telemetry", "traces", "--json"] + extra)
            #expect(result.status == 0, "\(extra): \(result.stderr)")
            return (result.json["traces"] as? [[String: Any]])?.count ?? -1
        }
        #expect(try count("--service", "storage") == 1 && count("--service", "ledger") == 0)
        #expect(try count("--name", "CHUNK") == 1 && count("--name", "absent") == 0)
        #expect(try count("--status", "error") == 1 && count("--status", "ok") == 0)
        #expect(try count("--attr", "http.method=PUT") == 1 && count("--attr", "http.method=GET") == 0)
        #expect(try count("--attr", "node.slots=12") == 1, "resource attributes match too")
        #expect(try count("--min-duration", "1h") == 0 && count("--max-duration", "1h") == 1)
        #expect(try count("--until", "2000-01-01T00:00:00Z") == 0)

        let empty = try cli.run("telemetry", "traces", "--service", "ledger")
        #expect(empty.status == 0 && empty.stdout.contains("No traces"))
        expectOneLineError(try cli.run("telemetry", "trace", "zz"), containing: "not hex")
        let other = traceID.first == "0" ? "1" : "0"
        expectOneLineError(try cli.run("telemetry", "trace", other + String(traceID.dropFirst())), containing: "no stored trace")
        expectOneLineError(try cli.run("telemetry", "traces", "--min-duration", "fast"), containing: "invalid duration")
        expectOneLineError(try cli.run("telemetry", "analyze", "--pattern", "slowness"), containing: "slow_requests")
        expectOneLineError(try cli.run("telemetry", "traces", "--attr", #"a"b=1"#), containing: "cannot contain quotes")
        #expect(try count("--max-duration", "5000w", "--until", "2600-01-01T00:00:00Z") == 1, "no overflow")
        expectOneLineError(try cli.run("telemetry", "traces", "--max-duration", "20000w"), containing: "longer than 100 years")
    }

    @Test func execSpansNestThroughTraceparent() throws {
        defer { cli.cleanUp() }
        var parent = cli
        parent.environment["TRACEPARENT"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let inner = "\(CLI.binary) telemetry exec --name inner --service worker -- sh -c 'echo \"$TRACEPARENT\" > \(cli.path("seen")); exit 3'"
        let outer = try parent.run("telemetry", "exec", "--name", "outer", "--attr", "job=nightly", "--", "sh", "-c", inner + "; exit $(( $? + 2 ))")
        #expect(outer.status == 5, "\(outer.stderr)")

        let trace = try json("telemetry", "trace", "4bf92f35")
        let spans = try #require(trace["spans"] as? [[String: Any]])
        #expect(spans.map { $0["name"] as? String } == ["outer", "inner"])
        #expect(spans[0]["parent_span_id"] as? String == "00f067aa0ba902b7" && spans[0]["service"] as? String == "blackhole-exec")
        #expect(spans[1]["parent_span_id"] as? String == spans[0]["span_id"] as? String && spans[1]["service"] as? String == "worker")
        let seen = try String(contentsOfFile: cli.path("seen"), encoding: .utf8)
        #expect(seen == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(spans[1]["span_id"] as! String)-01\n")
        let attributes = spans[0]["attributes"] as? [String: Any]
        #expect((attributes?["process.exit.code"] as? [String: Any])?["intValue"] as? String == "5")
        #expect((attributes?["job"] as? [String: Any])?["stringValue"] as? String == "nightly")
        #expect((spans[1]["status"] as? [String: Any])?["code"] as? String == "error")

        let missing = try cli.run("telemetry", "exec", "--name", "nothing", "--", "/no/such/program")
        #expect(missing.status == 127 && missing.stderr.contains("cannot run /no/such/program"))
        let noCommand = try cli.run("telemetry", "exec", "--name", "x")
        #expect(noCommand.status == 64 && noCommand.stderr.contains("after --"))
    }

    @Test func execForwardsSignals() throws {
        defer { cli.cleanUp() }
        let ready = cli.path("ready"), got = cli.path("got")
        let script = "trap 'echo TERM > \(got); exit 7' TERM; echo > \(ready); while :; do sleep 0.05; done"
        let (process, out, err) = try cli.start(["telemetry", "exec", "--name", "wait", "--", "sh", "-c", script])
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: ready) { usleep(25_000) }
        kill(process.processIdentifier, SIGTERM)
        let result = CLI.finish(process, out, err)
        #expect(result.status == 7, "\(result.stderr)")
        #expect((try? String(contentsOfFile: got, encoding: .utf8)) == "TERM\n")
        let listed = try json("telemetry", "traces", "--status", "error")
        #expect((listed["traces"] as? [[String: Any]])?.first?["root_name"] as? String == "wait")
    }
}

/// The highest VmHWM seen of a child, written by the sampling thread.
private final class PeakMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    var kilobytes: Int { lock.withLock { value } }

    func record(_ kilobytes: Int) { lock.withLock { value = max(value, kilobytes) } }
}

/// `check` counts detector findings since its previous run as `trace.pattern.findings`; a rule on
/// it raises a `performance` alert, and the next quiet run resolves it.
@Suite struct TracePatternCheckTests {
    let cli = CLI()

    @Test func slowTracesRaiseAndResolveAPerformanceAlert() throws {
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", """
            tracing:
              patterns:
                slow_service_call: { threshold: 2s }
            alert_rules:
              - { id: slow_traces, name: Slow Traces, metric: trace.pattern.findings, labels: { pattern: slow_service_call },
                  condition: gt, threshold: 0, duration: 0s, severity: warning, notification_channels: [log] }
            notification_channels:
              - { name: log, type: log, config: { path: \(cli.path("alerts.log")) } }
            """)
        // Judged once settled: the longest threshold (p2p_discovery_timeout's 30s) and a minute after they start.
        let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 200_000_000_000
        func span(_ id: String, seconds: Double) -> String {
            #"{"traceId":"\#(id)","spanId":"eee19b7ec3c1b173","name":"GET /files","startTimeUnixNano":"\#(start)","endTimeUnixNano":"\#(start + UInt64(seconds * 1e9))"}"#
        }
        let file = cli.write("spans.jsonl", #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(span("5b8efff798038103d269b633813fc60c", seconds: 2.5)),\#(span("6b8efff798038103d269b633813fc60c", seconds: 1.5))]}]}]}"#)
        #expect(try cli.run("telemetry", "ingest", file, "--config", config).status == 0)

        let first = try cli.run("telemetry", "check", "--config", config)
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("slow_traces"), "\(first.stdout)")
        let alerts = try cli.run("telemetry", "alerts", "--config", config, "--json")
        let alert = try #require((alerts.json["alerts"] as? [[String: Any]])?.first, "\(alerts.stdout)")
        #expect(alert["metric"] as? String == "trace.pattern.findings" && (alert["value"] as? Double) == 1, "\(alert)")
        let log = try String(contentsOfFile: cli.path("alerts.log"), encoding: .utf8)
        #expect(log.contains(#""type":"performance""#), "\(log)")

        // Nothing new since: the next run finds nothing and the alert resolves.
        let second = try cli.run("telemetry", "check", "--config", config)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    }
}
