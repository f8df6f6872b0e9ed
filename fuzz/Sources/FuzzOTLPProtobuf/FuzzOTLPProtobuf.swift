// OTLP/protobuf as serve's /v1/traces, /v1/metrics and gRPC services receive it: the same bytes
// are read as an ExportTraceServiceRequest and as an ExportMetricsServiceRequest.
import BlackholeCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    if let decoded = try? OTLPProtobuf.decodeTraces(data) {
        // What serve forwards upstream must read back as the same spans.
        let again = try! OTLPProtobuf.decodeTraces(OTLPProtobuf.encodeTraces(decoded.spans))
        precondition(again.spans.count == decoded.spans.count && again.rejected == 0, "re-encoded spans do not read back")
    }
    _ = try? OTLPMetrics.decode(data, json: false, receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    return 0
}
