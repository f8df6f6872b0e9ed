import Foundation
import SwiftProtobuf
import Testing
@testable import BlackholeCore

/// Protobuf read straight into stored rows (`OTLPSpanRows`, what `ingest` uses) takes, refuses and
/// stores exactly what the generated messages and `Span` values do (`OTLPProtobuf.decodeTraces`,
/// then `SpanBatch.append`).
@Suite struct OTLPSpanRowsTests {
    /// Each row of a batch as one line: ids, fields, origin and stored text.
    func lines(_ batch: SpanBatch) -> [String] {
        func text(_ range: SpanBatch.Text) -> String {
            range.count < 0 ? "NULL" : String(decoding: batch.text[range.start..<range.start + range.count], as: UTF8.self)
        }
        return batch.rows.map { row in
            let origin = batch.origins[row.origin]
            let ids = Data(batch.text[row.ids..<row.ids + (row.isRoot ? 24 : 32)])
            #expect(ids.prefix(16) == row.traceID.data)
            return [ids.hex, origin.service,
                    SpanJSON.attributes(origin.resource), origin.scopeName, origin.scopeVersion, SpanJSON.attributes(origin.scopeAttributes),
                    row.kind.name, row.statusCode.name, "\(row.startNanos)", "\(row.endNanos)", text(row.name), text(row.statusMessage),
                    text(row.attributes), text(row.events), text(row.links)].joined(separator: " | ")
        }
    }

    /// The request through both paths: the rows and outcome of each.
    func bothPaths(_ request: OTLPExportTraceServiceRequest, sampleRate: Double = 1) throws
        -> (direct: [String], outcome: OTLPSpanRows.Outcome, generated: [String], expected: OTLPSpanRows.Outcome) {
        try bothPaths(try request.serializedData(), sampleRate: sampleRate)
    }

    func bothPaths(_ data: Data, sampleRate: Double = 1) throws
        -> (direct: [String], outcome: OTLPSpanRows.Outcome, generated: [String], expected: OTLPSpanRows.Outcome) {
        let sampler = TraceSampler(rate: sampleRate)
        var direct = SpanBatch()
        let outcome = try OTLPSpanRows.decode(data, sampler: sampler, into: &direct)
        var decoded = try OTLPProtobuf.decodeTraces(data)
        let dropped = sampler.apply(to: &decoded.spans)
        let expected = OTLPSpanRows.Outcome(accepted: decoded.spans.count, sampledOut: dropped, rejected: decoded.rejected,
                                            firstProblem: decoded.firstProblem)
        return (lines(direct), outcome, lines(SpanBatch(decoded.spans)), expected)
    }

    func keyValue(_ key: String, _ value: AttributeValue) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        pair.value = OTLPProtobuf.anyValue(value)
        return pair
    }

    func span(trace: Data = Data(repeating: 0xAB, count: 16), id: UInt8, parent: Data = Data(), start: UInt64 = 1_800_000_000_000_000_000,
              end: UInt64 = 1_800_000_000_250_000_000) -> OTLPSpan {
        var span = OTLPSpan()
        span.traceID = trace
        span.spanID = Data([0, 0, 0, 0, 0, 0, 1, id])
        span.parentSpanID = parent
        span.name = "span \(id)"
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        return span
    }

    func request(_ groups: [(service: String, scope: String, spans: [OTLPSpan])]) -> OTLPExportTraceServiceRequest {
        var request = OTLPExportTraceServiceRequest()
        request.resourceSpans = groups.map { group in
            var resourceSpans = OTLPResourceSpans()
            resourceSpans.resource.attributes = [keyValue("service.name", .string(group.service)), keyValue("host.name", .string("node-1"))]
            var scopeSpans = OTLPScopeSpans()
            scopeSpans.scope.name = group.scope
            scopeSpans.scope.version = "1.2"
            scopeSpans.scope.attributes = [keyValue("lib", .bool(true))]
            scopeSpans.spans = group.spans
            resourceSpans.scopeSpans = [scopeSpans]
            return resourceSpans
        }
        return request
    }

    @Test func everyKindOfFieldIsStoredAsThroughSpans() throws {
        var rich = span(id: 1)
        rich.kind = .server
        rich.name = "PUT /files/\"ünïcode\"\n\t\u{1}😀"
        rich.attributes = [
            keyValue("z", .string("last")), keyValue("a", .string("quote \" backslash \\ control \u{1F}")), keyValue("é", .int(-42)),
            keyValue("int.max", .int(.max)), keyValue("double", .double(0.1)), keyValue("huge", .double(1e300)),
            keyValue("nan", .double(.nan)), keyValue("inf", .double(-.infinity)), keyValue("negative.zero", .double(-0.0)),
            keyValue("flag", .bool(false)), keyValue("bytes", .bytes(Data([0, 1, 254, 255]))),
            keyValue("list", .array([.int(1), .string("two"), .array([]), .map(["k": .bool(true)])])),
            keyValue("map", .map(["b": .map(["deep": .double(2.5)]), "a": .array([.bytes(Data([7]))])])),
        ]
        var unset = OTLPKeyValue()
        unset.key = "no value"
        rich.attributes.append(unset)
        var event = OTLPSpan.Event()
        event.timeUnixNano = 1_800_000_000_100_000_000
        event.name = "retry \"1\""
        event.attributes = [keyValue("attempt", .int(2)), keyValue("cause", .string("timeout"))]
        rich.events = [event, OTLPSpan.Event()]
        var link = OTLPSpan.Link()
        link.traceID = Data(repeating: 0xCD, count: 16)
        link.spanID = Data(repeating: 0xEF, count: 8)
        link.traceState = "vendor=1"
        link.attributes = [keyValue("why", .string("batch"))]
        rich.links = [link]
        rich.status.code = .error
        rich.status.message = "peer refused"
        var child = span(id: 2, parent: rich.spanID)
        child.kind = .client
        var other = span(trace: Data(repeating: 0x11, count: 16), id: 3)
        other.status.code = .ok
        // Two resources, one of them twice (so its origin is shared), with a scope each.
        let paths = try bothPaths(request([("storage", "io.blackhole", [rich, child]), ("gateway", "http", [other]),
                                           ("storage", "io.blackhole", [span(id: 4)])]))
        #expect(paths.outcome == paths.expected && paths.outcome.accepted == 4)
        #expect(paths.direct == paths.generated)
        #expect(paths.direct.count == 4)
    }

    @Test func invalidSpansAreRejectedAlikeAndTheRestKept() throws {
        let spans = [
            span(id: 1),
            span(trace: Data(count: 16), id: 2),
            span(trace: Data(repeating: 1, count: 8), id: 3),
            span(id: 4, parent: Data(repeating: 1, count: 4)),
            span(id: 5, parent: Data(count: 8)),
            span(id: 6, start: 0),
            span(id: 7, start: 10, end: 9),
            span(id: 8, start: 10, end: 10),
        ]
        var noSpanID = span(id: 9)
        noSpanID.spanID = Data()
        let paths = try bothPaths(request([("storage", "s", spans + [noSpanID])]))
        #expect(paths.outcome == paths.expected)
        #expect(paths.outcome.accepted == 3 && paths.outcome.rejected == 6)
        #expect(paths.outcome.firstProblem == "resourceSpans[0].scopeSpans[0].spans[1]: trace id must be 16 bytes, not all zero")
        #expect(paths.direct == paths.generated)
    }

    @Test func theLastOfRepeatedKeysWinsAndSamplingAgrees() throws {
        var repeated = span(id: 1)
        // Canonically equivalent keys are one key of a dictionary, as are equal ones.
        repeated.attributes = [keyValue("k", .int(1)), keyValue("j", .int(0)), keyValue("k", .string("second")),
                               keyValue("e\u{301}", .int(1)), keyValue("\u{e9}", .int(2)), keyValue("z", .bool(true))]
        let same = try bothPaths(request([("s", "s", [repeated])]))
        #expect(same.direct == same.generated)
        #expect(same.direct.first?.contains(#"{"j":{"intValue":"0"},"k":"second","z":true,"e\#u{301}":{"intValue":"2"}}"#) == true,
                "\(same.direct)")

        let spans = (0..<64).map { index in span(trace: Data((0..<16).map { UInt8(truncatingIfNeeded: $0 * 37 + index * 11) }), id: UInt8(index)) }
        let sampled = try bothPaths(request([("s", "s", spans)]), sampleRate: 0.5)
        #expect(sampled.outcome == sampled.expected && sampled.outcome.sampledOut > 0 && sampled.outcome.accepted > 0)
        #expect(sampled.direct == sampled.generated)
    }

    /// A field of protobuf's wire format: key, then the length and bytes, or the value given.
    func field(_ number: Int, _ type: Int, _ payload: Data) -> Data {
        func varint(_ value: Int) -> Data {
            var value = UInt64(value), out = Data()
            while value >= 0x80 {
                out.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
            return out
        }
        return varint(number << 3 | type) + (type == 2 ? varint(payload.count) : Data()) + payload
    }

    /// A request of one span whose bytes end with `extra` (fields of the span).
    func request(spanEndingWith extra: Data) throws -> Data {
        let span = try span(id: 1).serializedData() + extra
        let scopeSpans = field(2, 2, span)
        let resourceSpans = try OTLPResourceSpans.with { $0.resource.attributes = [keyValue("service.name", .string("s"))] }
            .serializedData() + field(2, 2, scopeSpans)
        return field(1, 2, resourceSpans)
    }

    @Test func protobufsRulesAtTheEdgesAreTheGeneratedCodes() throws {
        // A known field of the wrong wire type is an unknown field; so is a group.
        let wrongType = field(5, 0, Data([7])) + field(9, 5, Data([1, 2, 3, 4])) + field(99, 3, field(1, 0, Data([1])) + field(99, 4, Data()))
        // A value given twice is merged: two arrays in a row add up; a string after an array replaces it.
        let first = try keyValue("list", .array([.int(1)])).serializedData()
        let second = try OTLPKeyValue.with { $0.value = OTLPProtobuf.anyValue(.array([.int(2), .string("x")])) }.serializedData()
        let replaced = try keyValue("replaced", .array([.int(1)])).serializedData()
            + OTLPKeyValue.with { $0.value = OTLPProtobuf.anyValue(.string("now a string")) }.serializedData()
        let merged = field(9, 2, first + second) + field(9, 2, replaced)
        for extra in [wrongType, merged] {
            let paths = try bothPaths(try request(spanEndingWith: extra))
            #expect(paths.outcome == paths.expected && paths.outcome.accepted == 1)
            #expect(paths.direct == paths.generated)
        }
        let mergedLine = try #require(try bothPaths(try request(spanEndingWith: merged)).direct.first)
        #expect(mergedLine.contains(#""list":{"arrayValue":{"values":[{"intValue":"1"},{"intValue":"2"},"x"]}}"#), "\(mergedLine)")
        #expect(mergedLine.contains(#""replaced":"now a string""#))

        // Messages nest at most 100 deep, the request being 1: attribute values are at 6 and each
        // array adds 2.
        for arrays in [46, 47, 48] {
            var deep = OTLPAnyValue()
            for _ in 0..<arrays { deep = OTLPAnyValue.with { $0.arrayValue.values = [deep] } }
            let pair = try OTLPKeyValue.with { $0.key = "deep"; $0.value = deep }.serializedData()
            let data = try request(spanEndingWith: field(9, 2, pair))
            let generated = Result { try OTLPProtobuf.decodeTraces(data) }
            var batch = SpanBatch()
            let direct = Result { try OTLPSpanRows.decode(data, sampler: TraceSampler(rate: 1), into: &batch) }
            #expect(((try? generated.get()) != nil) == (arrays <= 47), "\(arrays) arrays")
            #expect(((try? direct.get()) != nil) == (arrays <= 47), "\(arrays) arrays")
        }
    }

    @Test func unreadableRequestsFailAlikeAndAddNothing() throws {
        var named = span(id: 1)
        named.name = "MARKER"
        let valid = try request([("s", "s", [named])]).serializedData()
        var invalidUTF8 = valid
        let marker = try #require(invalidUTF8.firstRange(of: Data("MARKER".utf8)))
        invalidUTF8.replaceSubrange(marker, with: [0x4D, 0xFF, 0xFE, 0x4B, 0x45, 0x52])
        var deep = OTLPAnyValue()
        for _ in 0..<200 {
            var outer = OTLPAnyValue()
            outer.arrayValue.values = [deep]
            deep = outer
        }
        var nested = span(id: 2)
        var pair = OTLPKeyValue()
        pair.key = "deep"
        pair.value = deep
        nested.attributes = [pair]
        let cases: [(String, Data)] = [
            ("truncated", valid.dropLast()), ("garbage", Data("not protobuf at all".utf8)), ("invalid UTF-8", invalidUTF8),
            ("nested", try request([("s", "s", [nested])]).serializedData()),
            // Found by FuzzOTLPProtobuf: a field numbered 0 inside an unknown group; a truncated
            // list value that a later value of the same attribute replaces.
            ("field 0 in a group", try request(spanEndingWith: field(99, 3, Data([0x00, 0x30]) + field(99, 4, Data())))),
            ("replaced truncated list", try request(spanEndingWith: field(9, 2, field(1, 2, Data("n".utf8))
                + field(2, 2, field(6, 2, Data([0x0A, 0x0C, 0x0A, 0x04]) + Data("deep".utf8) + Data([0x12, 0x02])) + field(3, 0, Data([1])))))),
        ]
        for (label, data) in cases {
            var batch = SpanBatch([Span(traceID: Span.newTraceID(), spanID: Span.newSpanID(), parentSpanID: nil, name: "kept",
                                        start: Date(), end: Date())])
            let before = lines(batch), textBefore = batch.text.count
            let direct = #expect(throws: BlackholeError.self, "\(label)") { try OTLPSpanRows.decode(data, sampler: TraceSampler(rate: 1), into: &batch) }
            let generated = #expect(throws: BlackholeError.self, "\(label)") { try OTLPProtobuf.decodeTraces(data) }
            #expect(direct?.message == generated?.message, "\(label)")
            #expect(lines(batch) == before && batch.text.count == textBefore, "\(label): the batch is as it was")
        }
    }
}
