import Foundation

/// OTLP/JSON per the specification: lowerCamelCase keys, trace and span ids in hex, 64-bit
/// integers as strings or numbers, enums as integers (their names are accepted too), unknown
/// fields ignored.
///
/// Read by hand, straight from the bytes into spans: ingestion reads gigabytes of it, and a
/// general-purpose decoder spends most of its time on containers OTLP does not need.
public enum OTLPJSON {
    public static func decodeTraces(_ data: Data) throws -> DecodedSpans {
        try data.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self))
            var decoded = DecodedSpans()
            do {
                try reader.object { reader, key in
                    guard key == "resourceSpans" else { return try reader.skipValue() }
                    try reader.array { reader, index in
                        try resourceSpans(&reader, index: index, into: &decoded)
                    }
                }
                try reader.end()
            } catch let problem as JSONProblem {
                throw BlackholeError(.usage, problem.message)
            }
            return decoded
        }
    }

    private static func resourceSpans(_ reader: inout JSONReader, index: Int, into decoded: inout DecodedSpans) throws {
        var resource = Attributes()
        var scopes: [(origin: SpanOrigin, spans: [PendingSpan])] = []
        try reader.object { reader, key in
            switch key {
            case "resource":
                try reader.object { reader, key in
                    guard key == "attributes" else { return try reader.skipValue() }
                    resource = try attributes(&reader)
                }
            case "scopeSpans":
                try reader.array { reader, scopeIndex in
                    scopes.append(try scopeSpans(&reader, path: (index, scopeIndex)))
                }
            default: try reader.skipValue()
            }
        }
        // The resource may come after its spans: they get it once the whole object is read.
        for (scopeOrigin, spans) in scopes {
            var origin = scopeOrigin
            origin.resource = resource
            for pending in spans {
                guard var span = pending.span else {
                    decoded.reject("\(pending.path): \(pending.problem ?? "")")
                    continue
                }
                span.origin = origin
                decoded.accept(span, rawEnd: pending.rawEnd, at: pending.path)
            }
        }
    }

    /// A span read, or why it could not be, waiting for its resource.
    private struct PendingSpan {
        var span: Span?
        var rawEnd: UInt64 = 0
        var problem: String?
        let indices: (Int, Int, Int)

        var path: String { "resourceSpans[\(indices.0)].scopeSpans[\(indices.1)].spans[\(indices.2)]" }
    }

    private static func scopeSpans(_ reader: inout JSONReader, path: (Int, Int)) throws -> (SpanOrigin, [PendingSpan]) {
        var origin = SpanOrigin()
        var spans: [PendingSpan] = []
        try reader.object { reader, key in
            switch key {
            case "scope":
                try reader.object { reader, key in
                    switch key {
                    case "name": origin.scopeName = try reader.string()
                    case "version": origin.scopeVersion = try reader.string()
                    case "attributes": origin.scopeAttributes = try attributes(&reader)
                    default: try reader.skipValue()
                    }
                }
            case "spans":
                try reader.array { reader, spanIndex in
                    spans.append(try span(&reader, indices: (path.0, path.1, spanIndex)))
                }
            default: try reader.skipValue()
            }
        }
        return (origin, spans)
    }

    private static func span(_ reader: inout JSONReader, indices: (Int, Int, Int)) throws -> PendingSpan {
        var traceID = Data(), spanID = Data(), parentID = Data()
        var name = "", statusMessage = ""
        var kind = Span.Kind.unspecified, statusCode = Span.StatusCode.unset
        var start: UInt64 = 0, end: UInt64 = 0
        var spanAttributes = Attributes()
        var events: [Span.Event] = []
        var links: [Span.Link] = []
        var idProblem: IDProblem?
        func id(_ text: String, bytes: Int, field: String) -> Data {
            do {
                return try OTLPJSON.id(text, bytes: bytes, field: field)
            } catch {
                if idProblem == nil { idProblem = error as? IDProblem }
                return Data()
            }
        }
        try reader.object { reader, key in
            switch key {
            case "traceId": traceID = id(try reader.string(), bytes: 16, field: "traceId")
            case "spanId": spanID = id(try reader.string(), bytes: 8, field: "spanId")
            case "parentSpanId": parentID = id(try reader.string(), bytes: 8, field: "parentSpanId")
            case "name": name = try reader.string()
            case "kind": kind = Span.Kind(rawValue: try reader.enumeration(Span.Kind.self)) ?? .unspecified
            case "startTimeUnixNano": start = try reader.unsigned()
            case "endTimeUnixNano": end = try reader.unsigned()
            case "attributes": spanAttributes = try attributes(&reader)
            case "events":
                try reader.array { reader, _ in
                    var event = Span.Event(timeNanos: 0, name: "")
                    try reader.object { reader, key in
                        switch key {
                        case "timeUnixNano": event.timeNanos = try reader.unsigned()
                        case "name": event.name = try reader.string()
                        case "attributes": event.attributes = try attributes(&reader)
                        default: try reader.skipValue()
                        }
                    }
                    events.append(event)
                }
            case "links":
                try reader.array { reader, _ in
                    var link = Span.Link(traceID: Data(), spanID: Data())
                    try reader.object { reader, key in
                        switch key {
                        case "traceId": link.traceID = id(try reader.string(), bytes: 16, field: "links.traceId")
                        case "spanId": link.spanID = id(try reader.string(), bytes: 8, field: "links.spanId")
                        case "traceState": link.traceState = try reader.string()
                        case "attributes": link.attributes = try attributes(&reader)
                        default: try reader.skipValue()
                        }
                    }
                    links.append(link)
                }
            case "status":
                try reader.object { reader, key in
                    switch key {
                    case "code": statusCode = Span.StatusCode(rawValue: try reader.enumeration(Span.StatusCode.self)) ?? .unset
                    case "message": statusMessage = try reader.string()
                    default: try reader.skipValue()
                    }
                }
            default: try reader.skipValue()
            }
        }
        if let idProblem { return PendingSpan(problem: idProblem.message, indices: indices) }
        let span = Span(traceID: traceID, spanID: spanID, parentSpanID: parentID.isEmpty ? nil : parentID, name: name, kind: kind,
                        startNanos: start, endNanos: end, statusCode: statusCode, statusMessage: statusMessage,
                        attributes: spanAttributes, events: events, links: links, origin: SpanOrigin())
        return PendingSpan(span: span, rawEnd: end, indices: indices)
    }

    /// `[{"key": ..., "value": {...}}, ...]`
    private static func attributes(_ reader: inout JSONReader) throws -> Attributes {
        var result = Attributes()
        try reader.array { reader, _ in
            var key = ""
            var value = AttributeValue.string("")
            try reader.object { reader, field in
                switch field {
                case "key": key = try reader.string()
                case "value": value = try anyValue(&reader)
                default: try reader.skipValue()
                }
            }
            result[key] = value
        }
        return result
    }

    private static func anyValue(_ reader: inout JSONReader) throws -> AttributeValue {
        var value = AttributeValue.string("")
        if reader.null() { return value }
        try reader.object { reader, key in
            switch key {
            case "stringValue": value = .string(try reader.string())
            case "boolValue": value = .bool(try reader.bool())
            case "intValue": value = .int(try reader.signed())
            case "doubleValue": value = .double(try reader.double())
            case "bytesValue":
                let text = try reader.string()
                guard let data = Data(base64Encoded: text) else { throw reader.problem("is not base64") }
                value = .bytes(data)
            case "arrayValue":
                var values: [AttributeValue] = []
                try reader.object { reader, key in
                    guard key == "values" else { return try reader.skipValue() }
                    try reader.array { reader, _ in values.append(try anyValue(&reader)) }
                }
                value = .array(values)
            case "kvlistValue":
                var values = Attributes()
                try reader.object { reader, key in
                    guard key == "values" else { return try reader.skipValue() }
                    values = try attributes(&reader)
                }
                value = .map(values)
            default: try reader.skipValue()
            }
        }
        return value
    }

    private struct IDProblem: Error { let message: String }

    /// Hex ids; base64 (what a generic protobuf JSON encoder writes) is refused by name.
    private static func id(_ text: String, bytes: Int, field: String) throws -> Data {
        guard !text.isEmpty else { return Data() }
        if let data = Data(hex: text) {
            guard data.count == bytes else {
                throw IDProblem(message: "\(field) \(JSONReader.shown(text)) is \(data.count) bytes, expected \(bytes) (\(bytes * 2) hex digits)")
            }
            return data
        }
        if let data = Data(base64Encoded: text), data.count == bytes {
            throw IDProblem(message: "\(field) \(JSONReader.shown(text)) is base64; OTLP/JSON ids are hex")
        }
        throw IDProblem(message: "\(field) \(JSONReader.shown(text)) is not hex")
    }
}
