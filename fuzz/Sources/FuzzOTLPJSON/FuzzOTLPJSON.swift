// OTLP/JSON as serve's /v1/traces and /v1/metrics receive it and `telemetry traces ingest` reads
// it: the same bytes are read as traces (by hand, OTLPJSON) and as metrics (SwiftProtobuf).
import BlackholeCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    if let decoded = try? OTLPJSON.decodeTraces(data) {
        // Spans taken from JSON are forwarded as protobuf: they must read back as the same spans.
        let again = try! OTLPProtobuf.decodeTraces(OTLPProtobuf.encodeTraces(decoded.spans))
        precondition(again.spans.count == decoded.spans.count && again.rejected == 0, "re-encoded spans do not read back")
    }
    let receivedAt = Date(timeIntervalSince1970: 1_700_000_000)
    if let decoded = try? OTLPMetrics.decode(data, json: true, receivedAt: receivedAt) {
        // A JSON request is forwarded as protobuf: it must read back as the same samples.
        let again = try! OTLPMetrics.decode(OTLPMetrics.protobuf(fromJSON: data), json: false, receivedAt: receivedAt)
        precondition(again.samples.count == decoded.samples.count && again.rejected == decoded.rejected,
                     "metrics forwarded as protobuf do not read back")
    }
    return 0
}
