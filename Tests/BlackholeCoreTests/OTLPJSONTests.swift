import Foundation
import Testing
@testable import BlackholeCore

/// OTLP/JSON read straight into stored rows (`OTLPJSON.decode`, what `ingest` and `serve` use)
/// stores what `SpanBatch` makes of the same spans as values, field by field.
@Suite struct OTLPJSONTests {
    let rows = OTLPSpanRowsTests()

    func decode(_ document: String, sampleRate: Double = 1) throws -> (lines: [String], outcome: OTLPSpanRows.Outcome) {
        var batch = SpanBatch()
        let outcome = try OTLPJSON.decode(Data(document.utf8), sampler: TraceSampler(rate: sampleRate), into: &batch)
        return (rows.lines(batch), outcome)
    }

    @Test func everyKindOfFieldIsStoredAsThroughSpans() throws {
        // The resource after its spans, ids in capitals, escapes, a repeated key (the last value
        // wins), an AnyValue with two cases (the last wins), null values, nested lists, a key
        // beyond ASCII, attributes given twice (the second replaces the first), and a span without
        // an id, refused.
        let document = #"""
            {"resourceSpans":[{"scopeSpans":[{"scope":{"name":"lib","version":"2","attributes":[{"key":"b","value":{"intValue":"7"}}]},
              "spans":[
               {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","parentSpanId":"0000000000000000",
                "name":"caf\u00e9 \"q\"","kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1800000000000000000","endTimeUnixNano":1800000000250000000,
                "attributes":[{"key":"z","value":{"stringValue":"first"}},{"key":"a","value":{"boolValue":true}},
                  {"key":"z","value":{"stringValue":"tab\there"}},{"key":"n","value":null},{"key":"d","value":{"doubleValue":1.5,"intValue":"3"}},
                  {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":2},null,{"doubleValue":0.1}]}}},
                  {"key":"kv","value":{"kvlistValue":{"values":[{"key":"y","value":{"doubleValue":"-Infinity"}},{"key":"x","value":{"bytesValue":"AQI="}}]}}},
                  {"key":"\u00e9t\u00e9","value":{"stringValue":"accent"}},{"value":{"stringValue":"no key"}}],
                "events":[{"timeUnixNano":"1800000000100000000","name":"retry","attributes":[{"key":"attempt","value":{"intValue":"2"}}]},
                  {"name":"bare"}],
                "links":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","traceState":"k=v",
                  "attributes":[{"key":"why","value":{"stringValue":"follows"}}]}],
                "status":{"code":2,"message":"boom"}},
               {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"child",
                "startTimeUnixNano":"1800000000010000000","endTimeUnixNano":"1800000000020000000",
                "attributes":[{"key":"gone","value":{"stringValue":"replaced"}}],"attributes":[{"key":"kept","value":{"stringValue":"yes"}}]},
               {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"","name":"no id","startTimeUnixNano":"1","endTimeUnixNano":"2"}
              ]}],
              "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"storage"}}]}}]}
            """#
        let traceID = try #require(Data(hex: "5b8efff798038103d269b633813fc60c"))
        let origin = SpanOrigin(resource: ["service.name": .string("storage")], scopeName: "lib", scopeVersion: "2", scopeAttributes: ["b": .int(7)])
        let root = Span(
            traceID: traceID, spanID: try #require(Data(hex: "eee19b7ec3c1b174")), parentSpanID: nil, name: "café \"q\"", kind: .server,
            startNanos: 1_800_000_000_000_000_000, endNanos: 1_800_000_000_250_000_000, statusCode: .error, statusMessage: "boom",
            attributes: ["z": .string("tab\there"), "a": .bool(true), "n": .string(""), "d": .int(3),
                         "arr": .array([.string("x"), .int(2), .string(""), .double(0.1)]),
                         "kv": .map(["y": .double(-.infinity), "x": .bytes(Data([1, 2]))]), "été": .string("accent"), "": .string("no key")],
            events: [Span.Event(timeNanos: 1_800_000_000_100_000_000, name: "retry", attributes: ["attempt": .int(2)]),
                     Span.Event(timeNanos: 0, name: "bare")],
            links: [Span.Link(traceID: try #require(Data(hex: "0102030405060708090a0b0c0d0e0f10")),
                              spanID: try #require(Data(hex: "0102030405060708")), traceState: "k=v", attributes: ["why": .string("follows")])],
            origin: origin)
        let child = Span(traceID: traceID, spanID: try #require(Data(hex: "eee19b7ec3c1b175")), parentSpanID: try #require(Data(hex: "eee19b7ec3c1b174")),
                         name: "child", kind: .unspecified, startNanos: 1_800_000_000_010_000_000, endNanos: 1_800_000_000_020_000_000,
                         attributes: ["kept": .string("yes")], origin: origin)
        let expected = rows.lines(SpanBatch([root, child]))
        let (lines, outcome) = try decode(document)
        #expect(lines == expected)
        #expect(outcome == OTLPSpanRows.Outcome(accepted: 2, rejected: 1,
                                                firstProblem: "resourceSpans[0].scopeSpans[0].spans[2]: span id must be 8 bytes, not all zero"))
        // As values, for forwarding: the same spans.
        let decoded = try OTLPJSON.decodeTraces(Data(document.utf8))
        #expect(decoded.spans == [root, child] && decoded.rejected == 1)
    }

    @Test func escapedMemberNamesAreTheNamesTheyEscape() throws {
        // Member names are compared as their bytes once unescaped; a problem names them so.
        let document = #"""
            {"resource\u0053pans":[{"scopeSpans":[{"spans":[{"\u0074raceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
              "n\u0061me":"escaped","startTimeUnixNano":"1","endTimeUnixNano":"2","stat\u0075s":{"code":2},"traceid":"ignored"}]}]}]}
            """#
        let (lines, outcome) = try decode(document)
        let span = Span(traceID: try #require(Data(hex: "5b8efff798038103d269b633813fc60c")), spanID: try #require(Data(hex: "eee19b7ec3c1b174")),
                        parentSpanID: nil, name: "escaped", kind: .unspecified, startNanos: 1, endNanos: 2, statusCode: .error,
                        origin: SpanOrigin())
        #expect(lines == rows.lines(SpanBatch([span])))
        #expect(outcome == OTLPSpanRows.Outcome(accepted: 1, rejected: 0))
        let bad = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"end\u0054imeUnixNano":true}]}]}]}"#
        let problem = #expect(throws: BlackholeError.self) { try decode(bad) }
        #expect(problem?.message.hasPrefix("resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: ") == true, "\(String(describing: problem))")
    }

    @Test func textThatIsNotUTF8IsRepairedAsAStringWouldBe() throws {
        var document = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"bad "#.utf8)
        document += [0xFF, 0xC3]
        document += Data(#"","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k\#u{FF}","value":{"stringValue":"v"}}]}]}]}]}"#.utf8)
        var batch = SpanBatch()
        _ = try OTLPJSON.decode(document, sampler: TraceSampler(rate: 1), into: &batch)
        let span = try #require(batch.spans.first)
        #expect(span.name == "bad \u{FFFD}\u{FFFD}")
        #expect(span.attributes == ["kÿ": .string("v")])
    }

    @Test func sampledOutSpansAreCountedAndARequestThatFailsAddsNothing() throws {
        let span = #"{"traceId":"%@","spanId":"eee19b7ec3c1b174","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#
        // Sampling keeps a trace by the low bytes of its id: these two fall on either side of 50%.
        let kept = span.replacingOccurrences(of: "%@", with: "00000000000000000000000000000001")
        let dropped = span.replacingOccurrences(of: "%@", with: "0000000000000000ffffffffffffffff")
        let (lines, outcome) = try decode(#"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(kept),\#(dropped)]}]}]}"#, sampleRate: 0.5)
        #expect(lines.count == 1 && outcome == OTLPSpanRows.Outcome(accepted: 1, sampledOut: 1))

        var batch = SpanBatch()
        _ = try OTLPJSON.decode(Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(kept)]}]}]}"#.utf8), sampler: TraceSampler(rate: 1), into: &batch)
        let truncated = #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(kept),\#(kept)]}]},{"scopeSpans":"#
        #expect(throws: BlackholeError.self) {
            try OTLPJSON.decode(Data(truncated.utf8), sampler: TraceSampler(rate: 1), into: &batch)
        }
        #expect(batch.count == 1 && batch.origins.count == 1)
    }
}
