// OTLP/protobuf as serve's /v1/traces, /v1/metrics and gRPC services receive it: the same bytes
// are read as an ExportTraceServiceRequest and as an ExportMetricsServiceRequest; and as ingest
// reads trace files, straight into stored rows, which must take, refuse and store exactly what the
// generated code does.
@testable import BlackholeCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let decoded = try? OTLPProtobuf.decodeTraces(data)
    if let decoded {
        // What serve forwards upstream must read back as the same spans.
        let again = try! OTLPProtobuf.decodeTraces(OTLPProtobuf.encodeTraces(decoded.spans))
        precondition(again.spans.count == decoded.spans.count && again.rejected == 0, "re-encoded spans do not read back")
    }
    var rows = SpanBatch()
    let direct = try? OTLPSpanRows.decode(data, sampler: TraceSampler(rate: 1), into: &rows)
    precondition((direct == nil) == (decoded == nil), "one decoder reads the request, the other refuses it")
    if let direct, let decoded {
        precondition(direct == OTLPSpanRows.Outcome(accepted: decoded.spans.count, rejected: decoded.rejected,
                                                    firstProblem: decoded.firstProblem), "the decoders take different spans")
        let expected = SpanBatch(decoded.spans)
        precondition(rows.text == expected.text, "the decoders store different text")
        for (row, want) in zip(rows.rows, expected.rows) {
            precondition(row.traceID == want.traceID && row.ids == want.ids && row.isRoot == want.isRoot && row.kind == want.kind
                         && row.statusCode == want.statusCode && row.startNanos == want.startNanos && row.endNanos == want.endNanos
                         && rows.origins[row.origin] == expected.origins[want.origin], "the decoders store different rows")
        }
    } else {
        precondition(rows.isEmpty && rows.text.isEmpty, "a refused request left rows behind")
    }
    _ = try? OTLPMetrics.decode(data, json: false, receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    return 0
}
