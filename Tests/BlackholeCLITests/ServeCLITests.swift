import BlackholeCore
import Foundation
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `telemetry serve` as a user runs it: the real OpenTelemetry SDK exports to it over OTLP/HTTP
/// and OTLP/gRPC, Prometheus' promtool reads its /metrics, a headless Chromium opens its
/// dashboard, and hostile clients try to break it.
@Suite(.serialized) struct ServeCLITests {
    let cli = CLI()

    /// A running `serve`, stopped (SIGTERM) by `stop()` or killed when the value goes away.
    final class Serving {
        let process: Process
        let out: Pipe
        let err: Pipe
        let http: String
        let grpc: String?

        init(_ cli: CLI, _ arguments: [String]) throws {
            (process, out, err) = try cli.start(["telemetry", "serve", "--listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", "--json"]
                + arguments)
            let line = out.fileHandleForReading.firstLine()
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let http = object?["http"] as? String else {
                kill(process.processIdentifier, SIGKILL)
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)])
            }
            self.http = http
            grpc = object?["grpc"] as? String
        }

        func url(_ path: String) -> String { "http://\(http)\(path)" }

        /// SIGTERM, then the exit status and what it wrote on stderr.
        func stop() -> (status: Int32, stderr: String) {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    func request(_ url: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        try await HTTPAnswer.fetch(url, method: method, body: body, headers: headers)
    }

    func json(_ arguments: String...) throws -> [String: Any] {
        let result = try cli.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.json
    }

    /// The latest value of each series of `name`, by its labels.
    func latest(_ name: String) throws -> [[String: String]: Double] {
        let report = try json("telemetry", "metrics", name, "--since", "1h")
        var values: [[String: String]: Double] = [:]
        for series in report["series"] as? [[String: Any]] ?? [] {
            let labels = series["labels"] as? [String: String] ?? [:]
            values[labels] = (series["points"] as? [[String: Any]])?.last?["value"] as? Double
        }
        return values
    }

    // MARK: - The real OpenTelemetry SDK

    @Test func sdkExportsOverHTTPAndGRPCAreStoredAsSent() async throws {
        defer { cli.cleanUp() }
        let serving = try Serving(cli, ["--no-check"])
        for (transport, endpoint) in [("http", "http://" + serving.http), ("grpc", "http://" + serving.grpc!)] {
            for gzip in [false, true] {
                let exported = try CLI.program(["python3", Fixtures.path("otel_export.py"), "--protocol", transport, "--endpoint", endpoint]
                    + (gzip ? ["--gzip"] : []))
                #expect(exported.status == 0, "\(transport) gzip=\(gzip): \(exported.stderr)")
                let sent = try #require(try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])
                let traceID = try #require(sent["trace_id"] as? String)
                let stored = try json("telemetry", "trace", traceID)
                let spans = try #require(stored["spans"] as? [[String: Any]])
                let sentSpans = try #require(sent["spans"] as? [[String: Any]])
                #expect(spans.count == sentSpans.count, "\(transport)")
                for want in sentSpans {
                    let got = try #require(spans.first { $0["span_id"] as? String == want["span_id"] as? String })
                    #expect(got["name"] as? String == want["name"] as? String)
                    #expect(got["parent_span_id"] as? String == want["parent_span_id"] as? String)
                    #expect(got["service"] as? String == "identity")
                    #expect(NSDictionary(dictionary: got["attributes"] as? [String: Any] ?? [:])
                        .isEqual(to: want["attributes"] as? [String: Any] ?? [:]), "\(want["name"]!) attributes: \(got["attributes"] ?? "none")")
                    #expect((got["status"] as? [String: Any])?["code"] as? String == (want["status"] as? [String: Any])?["code"] as? String)
                }
            }
        }
        // Four exports of the same metrics: the latest values are the SDK's.
        #expect(try latest("requests.total") == [["route": "/api", "service": "identity"]: 3])
        #expect(try latest("queue.depth") == [["service": "identity"]: 7])
        let buckets = try latest("service.response_time.bucket")
        let expected: [String: Double] = ["5": 1, "10": 3, "25": 3, "50": 4, "100": 4, "250": 5, "500": 5, "1000": 5, "+Inf": 6]
        #expect(Dictionary(uniqueKeysWithValues: buckets.map { ($0.key["le"]!, $0.value) }) == expected)
        #expect(try latest("service.response_time.count") == [["service": "identity"]: 6])
        #expect(try latest("service.response_time.sum") == [["service": "identity"]: 2167])
        #expect(try json("telemetry", "traces")["traces"].map { ($0 as? [Any])?.count } == 4)

        // Counted on /metrics, then a clean stop.
        let metrics = try await request(serving.url("/metrics"))
        #expect(metrics.text.contains("blackhole_serve_spans_accepted_total 12"), "\(metrics.text)")
        #expect(metrics.text.contains("code=\"OK\",endpoint=\"opentelemetry.proto.collector.trace.v1.TraceService/Export\",transport=\"grpc\"} 2"))
        let stopped = serving.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    // MARK: - /metrics and /health

    @Test func promtoolAcceptsMetricsAndHealthFollowsTheServices() async throws {
        defer { cli.cleanUp() }
        cli.write("config.yaml", """
            health:
              check_interval: 200ms
              unhealthy_timeout: 1ms
              services:
                identity: { health_endpoint: "http://127.0.0.1:1/health", criticality_level: critical, timeout: 1s }
                "odd name": { health_endpoint: "http://127.0.0.1:1/x", criticality_level: optional, timeout: 1s }
            """)
        let serving = try Serving(cli, ["--config", cli.path("config.yaml")])
        // OTLP metrics with names and labels Prometheus would refuse as they are.
        let body = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"id\\"ent\\nity"}}]},
             "scopeMetrics":[{"metrics":[{"name":"9p2p.peers-connected","gauge":{"dataPoints":[{"asInt":"4",
               "attributes":[{"key":"peer.region","value":{"stringValue":"eu\\\\west"}},{"key":"__x","value":{"stringValue":"y"}},
                             {"key":"peer_region","value":{"stringValue":"other"}}]}]}},
              {"name":"service.response_time","unit":"ms","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"3","sum":12.5,
               "bucketCounts":["1","1","1"],"explicitBounds":[5,10]}]}}]}]}]}
            """
        let posted = try await request(serving.url("/v1/metrics"), method: "POST", body: Data(body.utf8),
                                       headers: ["Content-Type": "application/json"])
        #expect(posted.status == 200 && posted.headers["content-type"] == "application/json", "\(posted.text)")

        var health = try await request(serving.url("/health"))
        for _ in 0..<50 where health.status != 503 {
            try await Task.sleep(for: .milliseconds(100))
            health = try await request(serving.url("/health"))
        }
        #expect(health.status == 503, "\(health.text)")
        #expect(health.json["status"] as? String == "unhealthy")
        #expect((health.json["blackhole"] as? [String: Any])?["status"] as? String == "healthy")
        let services = health.json["services"] as? [[String: Any]] ?? []
        #expect(services.map { $0["name"] as? String } == ["identity", "odd name"])
        #expect(services.allSatisfy { $0["status"] as? String == "unhealthy" })

        let scraped = try await request(serving.url("/metrics"))
        #expect(scraped.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let file = cli.write("metrics.txt", scraped.text)
        let promtool = try CLI.program(["sh", "-c", "promtool check metrics < \(file)"])
        #expect(promtool.status == 0, "promtool: \(promtool.stdout)\(promtool.stderr)\n\(scraped.text)")
        #expect(scraped.text.contains("# TYPE service_response_time histogram"))
        #expect(scraped.text.contains(#"service_response_time_bucket{le="10",service="id\"ent\nity"} 2"#))
        #expect(scraped.text.contains(#"_9p2p_peers_connected{l__x="y",peer_region="eu\\west",service="id\"ent\nity"} 4"#))
        #expect(scraped.text.contains(#"service_health_status{criticality="optional",service="odd name"} 0"#))
        // The probes' response time beside the histogram of the same name that a service sent.
        #expect(scraped.text.contains(#"service_response_time_value{criticality="critical",service="identity"} "#))

        // No token, so only this machine: a foreign Host (DNS rebinding) or a foreign page's Origin is refused.
        #expect(try SlowClient.status(serving.http, "GET /api/alerts HTTP/1.1\r\nHost: evil.example\r\n") == 403)
        #expect(try SlowClient.status(serving.http, "GET /telemetry/stream HTTP/1.1\r\nHost: \(serving.http)\r\nOrigin: http://evil.example\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n") == 400)
        #expect(try SlowClient.status(serving.http, "GET /telemetry/stream HTTP/1.1\r\nHost: \(serving.http)\r\nOrigin: http://\(serving.http)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n") == 101)
        #expect(try SlowClient.status(serving.http, "GET /api/alerts HTTP/1.1\r\nHost: localhost\r\n") == 200)
        #expect(serving.stop().status == 0)
    }

    // MARK: - Hostile input

    @Test func badInputIsRefusedAndNothingCommittedIsLost() async throws {
        defer { cli.cleanUp() }
        let serving = try Serving(cli, ["--no-check", "--max-body-size", "256KiB", "--auth-token", "s3cret"])
        let auth = ["Authorization": "Bearer s3cret"]
        let protobuf = auth.merging(["Content-Type": "application/x-protobuf"]) { $1 }
        let jsonHeaders = auth.merging(["Content-Type": "application/json"]) { $1 }

        // A good span first: it must survive everything below.
        let good = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"storage"}}]},"scopeSpans":[{"spans":[
             {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"put","startTimeUnixNano":"1764390000000000000",
              "endTimeUnixNano":"1764390000500000000"},
             {"traceId":"00000000000000000000000000000000","spanId":"b7ad6b7169203332","name":"bad id","startTimeUnixNano":"1764390000000000000",
              "endTimeUnixNano":"1764390000500000000"}]}]}]}
            """
        let partial = try await request(serving.url("/v1/traces"), method: "POST", body: Data(good.utf8), headers: jsonHeaders)
        #expect(partial.status == 200, "\(partial.text)")
        let success = partial.json["partialSuccess"] as? [String: Any]
        #expect(success?["rejectedSpans"] as? String == "1" && (success?["errorMessage"] as? String)?.contains("trace id") == true,
                "\(partial.text)")

        // Tokens: none, wrong, in the query; /health needs none.
        #expect(try await request(serving.url("/v1/traces"), method: "POST", body: Data(good.utf8),
                                  headers: ["Content-Type": "application/json"]).status == 401)
        #expect(try await request(serving.url("/metrics"), headers: ["Authorization": "Bearer s3cre"]).status == 401)
        #expect(try await request(serving.url("/api/alerts?token=s3cret")).status == 200)
        #expect(try await request(serving.url("/api/alerts"), headers: ["Authorization": "bearer s3cret"]).status == 200)
        #expect(try await request(serving.url("/api/alerts"), headers: ["Authorization": "Bearer s3cret2"]).status == 401)
        // The stream's upgrade needs it too (refused before the upgrade: Hummingbird answers 400 there).
        let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        #expect(try SlowClient.status(serving.http, "GET /telemetry/stream HTTP/1.1\r\nHost: \(serving.http)\r\n" + upgrade) == 400)
        #expect(try SlowClient.status(serving.http, "GET /telemetry/stream?token=s3cret HTTP/1.1\r\nHost: \(serving.http)\r\n" + upgrade) == 101)
        #expect(try await request(serving.url("/health")).status == 200)

        // Garbage, the wrong media type, a wrong encoding, an empty body.
        let garbage = try await request(serving.url("/v1/traces"), method: "POST", body: Data([0xFF, 0x01, 0x02, 0x03]), headers: protobuf)
        #expect(garbage.status == 400 && garbage.headers["content-type"] == "application/x-protobuf")
        #expect(garbage.text.contains("not an OTLP protobuf ExportTraceServiceRequest"), "\(garbage.text)")
        let notJSON = try await request(serving.url("/v1/metrics"), method: "POST", body: Data("{\"resourceMetrics\": [".utf8), headers: jsonHeaders)
        #expect(notJSON.status == 400 && (notJSON.json["message"] as? String)?.contains("ExportMetricsServiceRequest") == true, "\(notJSON.text)")
        let form = try await request(serving.url("/v1/traces"), method: "POST", body: Data("a=b".utf8),
                                     headers: auth.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 })
        #expect(form.status == 415 && form.text.contains("application/x-protobuf or application/json"), "\(form.text)")
        let brotli = try await request(serving.url("/v1/traces"), method: "POST", body: Data(good.utf8),
                                       headers: jsonHeaders.merging(["Content-Encoding": "br"]) { $1 })
        #expect(brotli.status == 415)
        let empty = try await request(serving.url("/v1/traces"), method: "POST", body: Data(), headers: protobuf)
        #expect(empty.status == 200, "an empty request is a request with no spans: \(empty.text)")

        // Too big, plain and as a gzip bomb (100 MB of zeros in about 100 KB).
        let big = try await request(serving.url("/v1/traces"), method: "POST", body: Data(count: 300 << 10), headers: protobuf)
        #expect(big.status == 413, "\(big.text)")
        let bombPath = cli.path("bomb.gz")
        #expect(try CLI.program(["sh", "-c", "head -c 100000000 /dev/zero | gzip -c > \(bombPath)"]).status == 0)
        let bomb = try await request(serving.url("/v1/traces"), method: "POST", body: try Data(contentsOf: URL(fileURLWithPath: bombPath)),
                                     headers: protobuf.merging(["Content-Encoding": "gzip"]) { $1 })
        #expect(bomb.status == 413 && bomb.text.contains("over 256.0 KiB"), "\(bomb.text)")
        let cutGzip = try await request(serving.url("/v1/traces"), method: "POST", body: Data([0x1F, 0x8B, 0x08, 0x00]),
                                        headers: protobuf.merging(["Content-Encoding": "gzip"]) { $1 })
        #expect(cutGzip.status == 400, "\(cutGzip.text)")

        // The same over gRPC: a bomb, garbage, no token.
        func grpc(_ arguments: String...) throws -> String {
            let result = try CLI.program(["python3", Fixtures.path("grpc_raw.py"), serving.grpc!,
                                          "/opentelemetry.proto.collector.trace.v1.TraceService/Export"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // grpc-swift's transport stops inflating at the limit and resets the stream.
        let grpcBomb = try grpc("--zeros", "100000000", "--gzip", "--token", "s3cret")
        #expect(grpcBomb.hasPrefix("RESOURCE_EXHAUSTED") || grpcBomb.contains("RST_STREAM"), "\(grpcBomb)")
        let grpcGarbage = try grpc("--bytes", "ff010203", "--token", "s3cret")
        #expect(grpcGarbage.hasPrefix("INVALID_ARGUMENT not an OTLP protobuf ExportTraceServiceRequest"), "\(grpcGarbage)")
        #expect(try grpc("--bytes", "", "--token", "s3cret") == "OK 0")
        #expect(try grpc("--bytes", "").hasPrefix("UNAUTHENTICATED missing bearer token"))

        // A client that sends half a request and stalls does not hold up the others.
        let stalled = try SlowClient(address: serving.http, partial: "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        defer { stalled.close() }
        #expect(try await request(serving.url("/health")).status == 200)
        #expect(try await request(serving.url("/api/traces"), headers: auth).status == 200)

        let stopped = serving.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stderr.isEmpty, "refused requests are their senders' business; at the default level nothing is logged")
        let stored = try json("telemetry", "trace", "0af7651916cd43dd8448eb211c80319c")
        #expect((stored["spans"] as? [[String: Any]])?.map { $0["name"] as? String } == ["put"])
    }

    /// An OTLP/JSON request of `count` root spans of `trace`, each carrying 200 bytes.
    static func batch(_ trace: String, spans count: Int) -> Data {
        let spans = (0..<count).map { index in
            #"{"traceId":"\#(trace)","spanId":"\#(String(format: "%016x", index + 1))","name":"op \#(index)","#
                + #""startTimeUnixNano":"1764390000000000000","endTimeUnixNano":"1764390000500000000","#
                + #""attributes":[{"key":"payload","value":{"stringValue":"\#(String(repeating: "x", count: 200))"}}]}"#
        }
        return Data((#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"storage"}}]},"#
            + #""scopeSpans":[{"spans":[\#(spans.joined(separator: ","))]}]}]}"#).utf8)
    }

    /// On a full disk serve says 503 with Retry-After (gRPC: UNAVAILABLE) and keeps nothing it
    /// answered for; once space returns the same requests are taken, without a restart.
    @Test func aFullDiskIsRefusedAsUnavailableUntilSpaceReturns() async throws {
        defer { cli.cleanUp() }
        let disk = try SmallDisk(cli.path("disk"), size: "8m")
        let serving = try Serving(cli, ["--no-check", "--db", disk.path + "/telemetry.db"])
        let headers = ["Content-Type": "application/json"]
        let before = try await request(serving.url("/v1/traces"), method: "POST", body: Self.batch("0af7651916cd43dd8448eb211c80319c", spans: 10),
                                       headers: headers)
        #expect(before.status == 200, "\(before.text)")

        try disk.fill()
        let large = Self.batch("1af7651916cd43dd8448eb211c80319c", spans: 2000)
        let refused = try await request(serving.url("/v1/traces"), method: "POST", body: large, headers: headers)
        #expect(refused.status == 503 && refused.headers["retry-after"] == "5", "\(refused.status) \(refused.text)")
        #expect((refused.json["message"] as? String)?.contains("disk is full") == true, "\(refused.text)")
        let small = OTLPProtobuf.encodeTraces(try OTLPJSON.decodeTraces(Self.batch("2af7651916cd43dd8448eb211c80319c", spans: 1)).spans)
        func grpc() throws -> String {
            let result = try CLI.program(["python3", Fixtures.path("grpc_raw.py"), serving.grpc!,
                                          "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                                          "--bytes", small.map { String(format: "%02x", $0) }.joined()])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let grpcRefused = try grpc()
        #expect(grpcRefused.hasPrefix("UNAVAILABLE") && grpcRefused.contains("disk is full"), "\(grpcRefused)")
        #expect(try cli.run("telemetry", "trace", "1af7651916cd43dd8448eb211c80319c", "--db", disk.path + "/telemetry.db").status != 0, "nothing of a refused request is kept")
        #expect(try await request(serving.url("/health")).status == 200, "reading still works")

        try disk.free()
        let taken = try await request(serving.url("/v1/traces"), method: "POST", body: large, headers: headers)
        #expect(taken.status == 200, "\(taken.text)")
        #expect(try grpc().hasPrefix("OK"))
        let stored = try json("telemetry", "trace", "1af7651916cd43dd8448eb211c80319c", "--db", disk.path + "/telemetry.db")
        #expect((stored["spans"] as? [[String: Any]])?.count == 2000)
        let stopped = serving.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    /// A client that sends its request a byte at a time is cut off at the read timeout, head or
    /// body, over HTTP/1.1 and gRPC; a WebSocket stream outlives it.
    @Test func slowClientsAreCutOffAtTheReadTimeout() async throws {
        defer { cli.cleanUp() }
        let serving = try Serving(cli, ["--no-check", "--read-timeout", "1s"])
        let slowHead = try SlowClient(address: serving.http, partial: "POST /v1/traces HTTP/1.1\r\nHost: x\r\n")
        defer { slowHead.close() }
        let slowBody = try SlowClient(address: serving.http,
                                      partial: "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        defer { slowBody.close() }
        let stream = try SlowClient(address: serving.http, partial: "GET /telemetry/stream HTTP/1.1\r\nHost: \(serving.http)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        defer { stream.close() }
        for _ in 0..<10 {  // 2.5 s of trickling: a byte now and then does not keep a request alive
            try await Task.sleep(nanoseconds: 250_000_000)
            slowHead.send("X")
            slowBody.send("x")
        }
        #expect(slowHead.isClosed(), "a head still unfinished after the read timeout")
        #expect(slowBody.isClosed(), "a body still unfinished after the read timeout")
        #expect(!stream.isClosed(), "the stream is not a slow request")
        // Over gRPC (HTTP/2), a request message trickled a byte at a time.
        let grpc = try CLI.program(["python3", Fixtures.path("grpc_slow.py"), serving.grpc!,
                                    "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "5"])
        #expect(grpc.stdout.hasPrefix("status 4 request not received within 1s after 1."), "\(grpc.stdout) \(grpc.stderr)")
        #expect(try await request(serving.url("/health")).status == 200)
        #expect(serving.stop().status == 0)
    }

    @Test func aStopFinishesAndCommitsWhatIsInFlight() async throws {
        defer { cli.cleanUp() }
        let serving = try Serving(cli, ["--no-check", "--no-grpc"])
        // Another process holds the write lock, so the request below waits inside serve.
        let lock = try DatabaseLock(cli.path("state/blackhole/telemetry.db"))
        let trace = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"7be2a9f0c1d3e5f7a9b1c3d5e7f9a1b3","spanId":"a1b2c3d4e5f60718",
             "name":"in flight","startTimeUnixNano":"1764390000000000000","endTimeUnixNano":"1764390000100000000"}]}]}]}
            """
        let url = serving.url("/v1/traces")
        let inFlight = Task { [self] in
            try await request(url, method: "POST", body: Data(trace.utf8), headers: ["Content-Type": "application/json"])
        }
        var scraped = ""
        for _ in 0..<100 where !scraped.contains("blackhole_serve_commit_queue_items 1") {
            try await Task.sleep(for: .milliseconds(50))
            scraped = try await request(serving.url("/metrics")).text
        }
        #expect(scraped.contains("blackhole_serve_commit_queue_items 1"), "the request is waiting to be committed")
        kill(serving.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        lock.release()
        #expect(try await inFlight.value.status == 200)
        let stopped = serving.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect((try json("telemetry", "trace", "7be2a9f0")["spans"] as? [Any])?.count == 1)
    }

    @Test func refusedSettingsAndBusyPortsAreOneLine() throws {
        defer { cli.cleanUp() }
        let busy = try BusyPort()
        defer { busy.close() }
        let http = try cli.run("telemetry", "serve", "--listen", "127.0.0.1:\(busy.port)", "--no-grpc")
        expectOneLineError(http, containing: "cannot listen on 127.0.0.1:\(busy.port) (HTTP): Address already in use")
        let grpc = try cli.run("telemetry", "serve", "--listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:\(busy.port)")
        expectOneLineError(grpc, containing: "cannot listen on 127.0.0.1:\(busy.port) (OTLP/gRPC): Address already in use")
        #expect(!grpc.stdout.contains("Listening"), "no address is announced when a listener failed")

        let open = try cli.run("telemetry", "serve", "--listen", "0.0.0.0:0", "--no-grpc")
        expectOneLineError(open, containing: "listening on 0.0.0.0:0 needs --auth-token (or BLACKHOLE_AUTH_TOKEN); --insecure to listen without one")
        #expect(open.status == 64)
        expectOneLineError(try cli.run("telemetry", "serve", "--listen", "4318"), containing: "--listen: \"4318\" is not HOST:PORT")
        expectOneLineError(try cli.run("telemetry", "serve", "--max-body-size", "lots"), containing: "--max-body-size: \"lots\" is not a size")
        expectOneLineError(try cli.run("telemetry", "serve", "--forward-otlp", "collector:4318"),
                           containing: "--forward-otlp: \"collector:4318\" is not an http(s) URL")
    }

    // MARK: - Forwarding

    @Test func forwardsWhatItTookUpstreamAndCountsWhatUpstreamRefused() async throws {
        defer { cli.cleanUp() }
        let upstream = try Serving(cli, ["--no-check", "--no-grpc", "--db", cli.path("upstream.db")])
        let serving = try Serving(cli, ["--no-check", "--forward-otlp", "http://" + upstream.http])
        let exported = try CLI.program(["python3", Fixtures.path("otel_export.py"), "--protocol", "http", "--endpoint", "http://" + serving.http])
        #expect(exported.status == 0, "\(exported.stderr)")
        let traceID = try #require((try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])?["trace_id"] as? String)
        var scraped = ""
        for _ in 0..<50 {
            scraped = try await request(serving.url("/metrics")).text
            if scraped.contains("blackhole_serve_forwarded_total{signal=\"traces\"} 3") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(scraped.contains("blackhole_serve_forwarded_total{signal=\"traces\"} 3"), "\(scraped)")
        #expect(upstream.stop().status == 0)
        let forwarded = try cli.run("telemetry", "trace", traceID, "--db", cli.path("upstream.db"), "--json")
        #expect((forwarded.json["spans"] as? [Any])?.count == 3, "\(forwarded.stderr)")

        // Upstream gone: the export still succeeds here; what could not be passed on is counted.
        let again = try CLI.program(["python3", Fixtures.path("otel_export.py"), "--protocol", "http", "--endpoint", "http://" + serving.http])
        #expect(again.status == 0)
        for _ in 0..<100 {
            scraped = try await request(serving.url("/metrics")).text
            if scraped.contains("blackhole_serve_forward_dropped_total{signal=\"traces\"} 3") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(scraped.contains("blackhole_serve_forward_dropped_total{signal=\"traces\"} 3"), "\(scraped)")
        let stopped = serving.stop()
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains(" warning blackhole:") && stopped.stderr.contains("forwarding dropped 3 spans: http://"), "\(stopped.stderr)")
    }

    // MARK: - Logs

    @Test func logsAreJSONLinesOnStderrAndNeverMixWithJSONOutput() async throws {
        defer { cli.cleanUp() }
        let serving = try Serving(cli, ["--no-check", "--no-grpc", "--log-format", "json", "--log-level", "debug"])
        let garbage = try await request(serving.url("/v1/traces"), method: "POST", body: Data([0xFF, 0x01]),
                                        headers: ["Content-Type": "application/x-protobuf"])
        #expect(garbage.status == 400)
        let stopped = serving.stop()
        #expect(stopped.status == 0)
        #expect(serving.out.fileHandleForReading.readDataToEndOfFile().isEmpty, "stdout holds the one --json line alone")

        let records = stopped.stderr.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(!records.isEmpty && records.allSatisfy { $0 != nil }, "one JSON object per line: \(stopped.stderr)")
        for record in records.compactMap({ $0 }) {
            #expect(Set(record.keys) == ["time", "level", "label", "source", "message", "metadata"], "\(record)")
            #expect((record["time"] as? String)?.hasSuffix("Z") == true && record["label"] as? String == "blackhole")
        }
        let refused = try #require(records.compactMap { $0 }.first { $0["message"] as? String == "refused an OTLP export of spans" },
                                   "\(stopped.stderr)")
        #expect(refused["level"] as? String == "debug" && refused["source"] as? String == "BlackholeServer")
        #expect((refused["metadata"] as? [String: String])?["transport"] == "http")
    }

    // MARK: - Dashboard and stream, in a real browser

    @Test func dashboardShowsServicesAndAnAlertPushedOverTheStream() async throws {
        defer { cli.cleanUp() }
        cli.write("config.yaml", """
            health:
              check_interval: 1s
              services:
                identity: { health_endpoint: "http://127.0.0.1:1/health", criticality_level: optional, timeout: 1s }
            alert_rules:
              - id: queue_backlog
                name: Queue Backlog
                description: The queue is backing up
                metric: test.queue.depth
                condition: gt
                threshold: 5
                duration: 0s
                severity: warning
            """)
        let serving = try Serving(cli, ["--config", cli.path("config.yaml")])
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        browser.arguments = ["python3", Fixtures.path("dashboard_check.py"), serving.url("/"), cli.path("dashboard.png"),
                             "--expect-service", "identity", "--timeout", "60"]
        let out = Pipe(), err = Pipe()
        browser.standardOutput = out
        browser.standardError = err
        try browser.run()
        defer { if browser.isRunning { kill(browser.processIdentifier, SIGKILL) } }
        try #require(out.fileHandleForReading.firstLine().hasPrefix("ready"),
                     "\(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")

        // The page is live: a trace arrives, then the metric crosses the threshold and the next check fires.
        let trace = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"identity"}}]},"scopeSpans":[{"spans":[
             {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"resolve peer",
              "startTimeUnixNano":"1764390000000000000","endTimeUnixNano":"1764390000250000000"}]}]}]}
            """
        #expect(try await request(serving.url("/v1/traces"), method: "POST", body: Data(trace.utf8),
                                  headers: ["Content-Type": "application/json"]).status == 200)
        let body = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"test.queue.depth","gauge":{"dataPoints":[{"asDouble":9}]}}]}]}]}"#
        #expect(try await request(serving.url("/v1/metrics"), method: "POST", body: Data(body.utf8),
                                  headers: ["Content-Type": "application/json"]).status == 200)
        let result = CLI.finish(browser, out, err)
        #expect(result.status == 0, "\(result.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(seen["connection"] as? String == "live")
        #expect((seen["services"] as? [[String: Any]])?.first?["name"] as? String == "identity")
        #expect((seen["alerts"] as? [[String: Any]])?.contains { $0["rule"] as? String == "queue_backlog" } == true, "\(seen)")
        let events = seen["stream_events"] as? [String: Int] ?? [:]
        #expect(events["alert", default: 0] >= 1 && events["trace_completed", default: 0] >= 1, "\(events)")
        #expect(events["health_update", default: 0] >= 1 && events["metric_update", default: 0] >= 1, "\(events)")
        #expect((seen["page_errors"] as? [Any])?.isEmpty == true, "\(seen)")
        let png = try Data(contentsOf: URL(fileURLWithPath: cli.path("dashboard.png")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(serving.stop().status == 0, "open WebSocket connections do not hold up the stop")
    }
}

/// A client that sends part of a request and then nothing.
final class SlowClient {
    let descriptor: Int32

    init(address: String, partial: String) throws {
        let parts = address.split(separator: ":")
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(parts[1])!).bigEndian
        inet_pton(AF_INET, String(parts[0]), &socketAddress.sin_addr)
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        _ = partial.withCString { Glibc.send(descriptor, $0, strlen($0), 0) }
    }

    func close() { Glibc.close(descriptor) }

    /// Sends more of the request (a closed connection is not a signal to the test).
    func send(_ text: String) {
        _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the server has closed the connection (what it sent before is read and dropped).
    func isClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { continue }
            return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    /// Sends one request head (its lines, without the blank line) and returns the status code.
    static func status(_ address: String, _ head: String) throws -> Int {
        let client = try SlowClient(address: address, partial: head + "\r\n")
        defer { client.close() }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(client.descriptor, &buffer, buffer.count, 0)
        let line = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
