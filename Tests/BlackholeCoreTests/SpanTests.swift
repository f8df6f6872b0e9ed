import Foundation
import Testing
@testable import BlackholeCore

@Suite struct SpanStoreTests {
    @Test func attributesOfEveryTypeSurviveTheStore() throws {
        let dir = TemporaryDirectory()
        let spans = SpanStore(try Store(path: dir.file("t.db")))
        let trace = Span.newTraceID()
        let start = Date(timeIntervalSince1970: 1_800_000_000.123456)
        let attributes: [String: AttributeValue] = [
            "s": .string("x"), "b": .bool(true), "i": .int(Int64.max), "d": .double(0.25), "bytes": .bytes(Data([0, 255])),
            "list": .array([.int(1), .string("two")]), "map": .map(["nested": .map(["deep": .bool(false)])]),
        ]
        let root = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: nil, name: "root", start: start, end: start + 1.5,
                        attributes: attributes)
        let child = Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: root.spanID, name: "child", kind: .client,
                         start: start + 0.1, end: start + 0.2, statusCode: .error, statusMessage: "boom")
        try spans.write([child, root])
        let read = try spans.trace(trace)
        #expect(read == [root, child])
        #expect(read[0].duration == 1.5 && read[0].attributes == attributes)
        #expect(trace.count == 16 && root.spanID.count == 8 && trace.hex.count == 32)
        #expect(read[1].statusMessage == "boom" && read[1].statusCode == .error)
    }

    @Test func attributeValuesUseOTLPJSON() throws {
        let encoded = String(decoding: try JSONEncoder().encode(AttributeValue.int(42)), as: UTF8.self)
        #expect(encoded == #"{"intValue":"42"}"#)
        #expect(try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"intValue":42}"#.utf8)) == .int(42))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"bytesValue":"%%"}"#.utf8)) }
    }
}
