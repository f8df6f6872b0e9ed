@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import Testing

/// `POST /v1/traces` and `/v1/metrics` through the real router: what is taken is committed
/// before the answer, and every refusal has the status OTLP/HTTP names.
@Suite struct OTLPRouteTests {
    @Test func jsonAndProtobufExportsAreCommittedBeforeTheAnswer() async throws {
        let serve = try ServeFixture()
        let trace = OTLPBody.trace("0af7651916cd43dd8448eb211c80319c", span: "b7ad6b7169203331", end: serve.clock.now())
        let protobuf = OTLPProtobuf.encodeTraces(try OTLPJSON.decodeTraces(Data(
            OTLPBody.trace("0af7651916cd43dd8448eb211c80319c", span: "b7ad6b7169203332", parent: "b7ad6b7169203331", end: serve.clock.now()).utf8)).spans)
        try await serve.app().test(.router) { client in
            let json = try await client.post("/v1/traces", trace)
            #expect(json.status == .ok && json.headers[.contentType] == "application/json", "\(json.text)")
            let binary = try await client.post("/v1/traces", protobuf, headers: [.contentType: "application/x-protobuf"])
            #expect(binary.status == .ok && binary.headers[.contentType] == "application/x-protobuf")
            let gzipped = try await client.post("/v1/metrics", try gzip(Data(OTLPBody.gauge("queue.depth", 7).utf8)),
                                                headers: [.contentType: "application/json", .contentEncoding: "gzip"])
            #expect(gzipped.status == .ok, "\(gzipped.text)")
        }
        let spans = try SpanStore(serve.store).trace(Data(hex: "0af7651916cd43dd8448eb211c80319c")!)
        #expect(spans.map(\.name) == ["put", "put"])
        #expect(try MetricStore(serve.store).latest().map(\.value) == [7])
    }

    @Test func aPartlyInvalidExportNamesWhatWasRejected() async throws {
        let serve = try ServeFixture()
        let zeroID = OTLPBody.trace("00000000000000000000000000000000", span: "b7ad6b7169203332", end: serve.clock.now())
        try await serve.app().test(.router) { client in
            let answer = try await client.post("/v1/traces", zeroID)
            #expect(answer.status == .ok)
            let partial = answer.json["partialSuccess"] as? [String: Any]
            #expect(partial?["rejectedSpans"] as? String == "1" && (partial?["errorMessage"] as? String)?.contains("trace id") == true,
                    "\(answer.text)")
        }
    }

    @Test func refusalsCarryOTLPStatusesAndSayWhy() async throws {
        let serve = try ServeFixture(maxBodyBytes: 4096)
        try await serve.app().test(.router) { client in
            let garbage = try await client.post("/v1/traces", Data([0xFF, 0x01, 0x02, 0x03]), headers: [.contentType: "application/x-protobuf"])
            #expect(garbage.status == .badRequest && garbage.headers[.contentType] == "application/x-protobuf")
            #expect(garbage.text.contains("not an OTLP protobuf ExportTraceServiceRequest"), "\(garbage.text)")

            let cutJSON = try await client.post("/v1/metrics", #"{"resourceMetrics": ["#)
            #expect(cutJSON.status == .badRequest && (cutJSON.json["message"] as? String)?.contains("ExportMetricsServiceRequest") == true,
                    "\(cutJSON.text)")

            let form = try await client.post("/v1/traces", "a=b", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType && form.text.contains("application/x-protobuf or application/json"), "\(form.text)")
            let untyped = try await client.post("/v1/traces", Data("{}".utf8), headers: [:])
            #expect(untyped.status == .unsupportedMediaType && untyped.text.contains("Content-Type missing"), "\(untyped.text)")
            let brotli = try await client.post("/v1/traces", "{}", headers: [.contentEncoding: "br"])
            #expect(brotli.status == .unsupportedMediaType && brotli.text.contains("only gzip"), "\(brotli.text)")

            let large = try await client.post("/v1/traces", Data(count: 8192), headers: [.contentType: "application/x-protobuf"])
            #expect(large.status == .contentTooLarge && large.text.contains("over 4.0 KiB"), "\(large.text)")
            let bomb = try await client.post("/v1/traces", try gzip(Data(count: 1 << 20)),
                                             headers: [.contentType: "application/x-protobuf", .contentEncoding: "gzip"])
            #expect(bomb.status == .contentTooLarge, "a small body that inflates past the limit: \(bomb.text)")
            let cutGzip = try await client.post("/v1/traces", Data([0x1F, 0x8B, 0x08, 0x00]),
                                                headers: [.contentType: "application/x-protobuf", .contentEncoding: "gzip"])
            #expect(cutGzip.status == .badRequest, "\(cutGzip.text)")

            let empty = try await client.post("/v1/traces", Data(), headers: [.contentType: "application/x-protobuf"])
            #expect(empty.status == .ok, "an empty request is a request with no spans")
        }
        // The sender was told; the operator's log keeps it for developers only.
        #expect(serve.logs.records.allSatisfy { $0.level == .debug }, "\(serve.logs.records)")
    }

    @Test func aStoreThatCannotTakeDataIsRetryableAndLogged() async throws {
        let serve = try ServeFixture()
        serve.state.receiver.queue.close()
        try await serve.app().test(.router) { client in
            let answer = try await client.post("/v1/traces", OTLPBody.trace("0af7651916cd43dd8448eb211c80319c", span: "b7ad6b7169203331",
                                                                            end: serve.clock.now()))
            #expect(answer.status == .serviceUnavailable && answer.headers[.retryAfter] == "5", "\(answer.text)")
        }
        let record = try #require(serve.logs.records.first { $0.level == .error })
        #expect(record.message == "refused an OTLP export of spans" && record.metadata["transport"] == "http")
        #expect(record.metadata["error"]?.description.contains("shutting down") == true, "\(record)")
    }
}
