import Foundation
import SwiftProtobuf

/// Spans out of one OTLP `ExportTraceServiceRequest`, with those that could not be taken counted
/// and the first reason kept (OTLP's partial success).
public struct DecodedSpans: Sendable {
    public var spans: [Span] = []
    public var rejected = 0
    public var firstProblem: String?

    mutating func reject(_ problem: String) {
        rejected += 1
        if firstProblem == nil { firstProblem = problem }
    }

    /// Adds a span after checking what the specification requires of it; `rawEnd` is its end as
    /// received (a `Span` ends no earlier than it starts).
    mutating func accept(_ span: Span, rawEnd: UInt64, at path: String) {
        var span = span
        if let problem = Self.problem(traceID: span.traceID, spanID: span.spanID, parentID: span.parentSpanID ?? Data(),
                                      start: span.startNanos, end: rawEnd) {
            reject("\(path): \(problem)")
            return
        }
        if let parent = span.parentSpanID, parent.allSatisfy({ $0 == 0 }) { span.parentSpanID = nil }
        spans.append(span)
    }

    /// Why a span cannot be taken, by what OTLP requires of it; nil when it can. Every reader of
    /// spans asks this. A parent of all zeros is none.
    static func problem(traceID: some Collection<UInt8>, spanID: some Collection<UInt8>, parentID: some Collection<UInt8>,
                        start: UInt64, end: UInt64) -> String? {
        if traceID.count != 16 || traceID.allSatisfy({ $0 == 0 }) { return "trace id must be 16 bytes, not all zero" }
        if spanID.count != 8 || spanID.allSatisfy({ $0 == 0 }) { return "span id must be 8 bytes, not all zero" }
        if parentID.count != 8 && !parentID.allSatisfy({ $0 == 0 }) { return "parent span id must be 8 bytes or empty" }
        if start == 0 { return "start time is missing" }
        if end < start { return "ends before it starts" }
        return nil
    }
}

/// OTLP/protobuf: `ExportTraceServiceRequest` through the code generated from `proto/`.
public enum OTLPProtobuf {
    public static func decodeTraces(_ data: Data) throws -> DecodedSpans {
        let request: OTLPExportTraceServiceRequest
        do {
            request = try OTLPExportTraceServiceRequest(serializedBytes: data)
        } catch {
            throw BlackholeError(.usage, "not an OTLP protobuf ExportTraceServiceRequest (\(describe(error)))")
        }
        var decoded = DecodedSpans()
        for (resourceIndex, resourceSpans) in request.resourceSpans.enumerated() {
            let resource = attributes(resourceSpans.resource.attributes)
            for (scopeIndex, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                let scope = scopeSpans.scope
                let origin = SpanOrigin(resource: resource, scopeName: scope.name, scopeVersion: scope.version,
                                        scopeAttributes: attributes(scope.attributes))
                for (spanIndex, span) in scopeSpans.spans.enumerated() {
                    let converted = Span(
                        traceID: span.traceID, spanID: span.spanID, parentSpanID: span.parentSpanID.isEmpty ? nil : span.parentSpanID,
                        name: span.name, kind: Span.Kind(rawValue: span.kind.rawValue) ?? .unspecified,
                        startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano,
                        statusCode: Span.StatusCode(rawValue: span.status.code.rawValue) ?? .unset, statusMessage: span.status.message,
                        attributes: attributes(span.attributes),
                        events: span.events.map { Span.Event(timeNanos: $0.timeUnixNano, name: $0.name, attributes: attributes($0.attributes)) },
                        links: span.links.map {
                            Span.Link(traceID: $0.traceID, spanID: $0.spanID, traceState: $0.traceState, attributes: attributes($0.attributes))
                        },
                        origin: origin)
                    decoded.accept(converted, rawEnd: span.endTimeUnixNano,
                                   at: "resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)].spans[\(spanIndex)]")
                }
            }
        }
        return decoded
    }

    /// Spans as one `ExportTraceServiceRequest`, grouped by resource and scope: what serve
    /// forwards upstream.
    public static func encodeTraces(_ spans: [Span]) -> Data {
        var groups: [SpanOrigin: [Span]] = [:]
        var order: [SpanOrigin] = []
        for span in spans {
            if groups[span.origin] == nil { order.append(span.origin) }
            groups[span.origin, default: []].append(span)
        }
        var request = OTLPExportTraceServiceRequest()
        request.resourceSpans = order.map { origin in
            var scopeSpans = OTLPScopeSpans()
            scopeSpans.scope.name = origin.scopeName
            scopeSpans.scope.version = origin.scopeVersion
            scopeSpans.scope.attributes = keyValues(origin.scopeAttributes)
            scopeSpans.spans = groups[origin]!.map { span in
                var encoded = OTLPSpan()
                encoded.traceID = span.traceID
                encoded.spanID = span.spanID
                encoded.parentSpanID = span.parentSpanID ?? Data()
                encoded.name = span.name
                encoded.kind = OTLPSpan.SpanKind(rawValue: span.kind.rawValue) ?? .unspecified
                encoded.startTimeUnixNano = span.startNanos
                encoded.endTimeUnixNano = span.endNanos
                encoded.attributes = keyValues(span.attributes)
                encoded.events = span.events.map { event in
                    var encodedEvent = OTLPSpan.Event()
                    encodedEvent.timeUnixNano = event.timeNanos
                    encodedEvent.name = event.name
                    encodedEvent.attributes = keyValues(event.attributes)
                    return encodedEvent
                }
                encoded.links = span.links.map { link in
                    var encodedLink = OTLPSpan.Link()
                    encodedLink.traceID = link.traceID
                    encodedLink.spanID = link.spanID
                    encodedLink.traceState = link.traceState
                    encodedLink.attributes = keyValues(link.attributes)
                    return encodedLink
                }
                encoded.status.code = OTLPStatus.StatusCode(rawValue: span.statusCode.rawValue) ?? .unset
                encoded.status.message = span.statusMessage
                return encoded
            }
            var resourceSpans = OTLPResourceSpans()
            resourceSpans.resource.attributes = keyValues(origin.resource)
            resourceSpans.scopeSpans = [scopeSpans]
            return resourceSpans
        }
        return (try? request.serializedData()) ?? Data()
    }

    static func keyValues(_ attributes: Attributes) -> [OTLPKeyValue] {
        attributes.sorted { $0.key < $1.key }.map { key, value in
            var pair = OTLPKeyValue()
            pair.key = key
            pair.value = anyValue(value)
            return pair
        }
    }

    static func anyValue(_ value: AttributeValue) -> OTLPAnyValue {
        var encoded = OTLPAnyValue()
        switch value {
        case .string(let text): encoded.stringValue = text
        case .bool(let flag): encoded.boolValue = flag
        case .int(let number): encoded.intValue = number
        case .double(let number): encoded.doubleValue = number
        case .bytes(let data): encoded.bytesValue = data
        case .array(let values): encoded.arrayValue.values = values.map(anyValue)
        case .map(let values): encoded.kvlistValue.values = keyValues(values)
        }
        return encoded
    }

    static func attributes(_ list: [OTLPKeyValue]) -> Attributes {
        var result = Attributes(minimumCapacity: list.count)
        for pair in list { result[pair.key] = value(pair.value) }
        return result
    }

    static func value(_ value: OTLPAnyValue) -> AttributeValue {
        switch value.value {
        case .stringValue(let text)?: .string(text)
        case .boolValue(let flag)?: .bool(flag)
        case .intValue(let number)?: .int(number)
        case .doubleValue(let number)?: .double(number)
        case .bytesValue(let data)?: .bytes(data)
        case .arrayValue(let array)?: .array(array.values.map(Self.value))
        case .kvlistValue(let list)?: .map(attributes(list.values))
        case nil: .string("")
        }
    }

    /// Why SwiftProtobuf refused a request, in a few words.
    static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: "truncated message"
        case BinaryDecodingError.malformedProtobuf: "malformed protobuf"
        case BinaryDecodingError.invalidUTF8, JSONDecodingError.invalidUTF8: "a string is not UTF-8"
        case BinaryDecodingError.messageDepthLimit, JSONDecodingError.messageDepthLimit: "nested too deeply"
        case JSONDecodingError.truncated: "truncated JSON"
        case JSONDecodingError.trailingGarbage: "text after the document"
        case JSONDecodingError.failure: "malformed JSON"
        case let error as JSONDecodingError: "invalid JSON: \(error)"
        default: "\(error)"
        }
    }
}
