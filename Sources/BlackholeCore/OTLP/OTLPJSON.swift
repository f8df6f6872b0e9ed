import Foundation

/// OTLP/JSON per the specification: lowerCamelCase keys, trace and span ids in hex, 64-bit
/// integers as strings or numbers, enums as integers (their names are accepted too), unknown
/// fields ignored.
public enum OTLPJSON {
    public static func decodeTraces(_ data: Data) throws -> DecodedSpans {
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: data)
        } catch let error as DecodingError {
            throw BlackholeError(.usage, describe(error))
        } catch {
            throw BlackholeError(.usage, "not OTLP/JSON (\(error))")
        }
        var decoded = DecodedSpans()
        for (resourceIndex, resourceSpans) in (request.resourceSpans ?? []).enumerated() {
            let resource = attributes(resourceSpans.resource?.attributes)
            for (scopeIndex, scopeSpans) in (resourceSpans.scopeSpans ?? []).enumerated() {
                let origin = SpanOrigin(resource: resource, scopeName: scopeSpans.scope?.name ?? "",
                                        scopeVersion: scopeSpans.scope?.version ?? "", scopeAttributes: attributes(scopeSpans.scope?.attributes))
                for (spanIndex, span) in (scopeSpans.spans ?? []).enumerated() {
                    let path = "resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)].spans[\(spanIndex)]"
                    do {
                        let parent = try id(span.parentSpanId, bytes: 8, field: "parentSpanId")
                        let converted = Span(
                            traceID: try id(span.traceId, bytes: 16, field: "traceId"), spanID: try id(span.spanId, bytes: 8, field: "spanId"),
                            parentSpanID: parent.isEmpty ? nil : parent, name: span.name ?? "",
                            kind: Span.Kind(rawValue: span.kind?.value ?? 0) ?? .unspecified,
                            startNanos: span.startTimeUnixNano?.value ?? 0, endNanos: span.endTimeUnixNano?.value ?? 0,
                            statusCode: Span.StatusCode(rawValue: span.status?.code?.value ?? 0) ?? .unset,
                            statusMessage: span.status?.message ?? "", attributes: attributes(span.attributes),
                            events: (span.events ?? []).map {
                                Span.Event(timeNanos: $0.timeUnixNano?.value ?? 0, name: $0.name ?? "", attributes: attributes($0.attributes))
                            },
                            links: try (span.links ?? []).map {
                                Span.Link(traceID: try id($0.traceId, bytes: 16, field: "links.traceId"),
                                          spanID: try id($0.spanId, bytes: 8, field: "links.spanId"), traceState: $0.traceState ?? "",
                                          attributes: attributes($0.attributes))
                            },
                            origin: origin)
                        decoded.accept(converted, rawEnd: span.endTimeUnixNano?.value ?? 0, at: path)
                    } catch let problem as IDProblem {
                        decoded.reject("\(path): \(problem.message)")
                    }
                }
            }
        }
        return decoded
    }

    private struct IDProblem: Error { let message: String }

    /// Hex ids; base64 (what a generic protobuf JSON encoder writes) is refused by name.
    private static func id(_ text: String?, bytes: Int, field: String) throws -> Data {
        guard let text, !text.isEmpty else { return Data() }
        if let data = Data(hex: text) {
            guard data.count == bytes else {
                throw IDProblem(message: "\(field) \"\(text)\" is \(data.count) bytes, expected \(bytes) (\(bytes * 2) hex digits)")
            }
            return data
        }
        if let data = Data(base64Encoded: text), data.count == bytes {
            throw IDProblem(message: "\(field) \"\(text)\" is base64; OTLP/JSON ids are hex")
        }
        throw IDProblem(message: "\(field) \"\(text)\" is not hex")
    }

    private static func attributes(_ list: [KeyValuePair]?) -> Attributes {
        var result = Attributes(minimumCapacity: list?.count ?? 0)
        for pair in list ?? [] { result[pair.key] = pair.value ?? .string("") }
        return result
    }

    /// `resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected ...`
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            let where_ = path(context.codingPath)
            return "\(where_.isEmpty ? "document" : where_): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ": ")missing \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            let where_ = path(context.codingPath)
            let reason = context.underlyingError.map { "\($0)" }.flatMap { $0.contains("Unexpected") || $0.contains("JSON") ? "not valid JSON" : nil }
                ?? context.debugDescription
            return where_.isEmpty ? "not valid JSON (\(reason))" : "\(where_): \(reason)"
        @unknown default:
            return "not OTLP/JSON"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Int.Type, is Int64.Type, is UInt64.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    // MARK: The OTLP/JSON document

    private struct Request: Decodable {
        var resourceSpans: [ResourceSpans]?
    }

    private struct ResourceSpans: Decodable {
        var resource: Resource?
        var scopeSpans: [ScopeSpans]?
    }

    private struct Resource: Decodable {
        var attributes: [KeyValuePair]?
    }

    private struct ScopeSpans: Decodable {
        var scope: Scope?
        var spans: [JSONSpan]?
    }

    private struct Scope: Decodable {
        var name: String?
        var version: String?
        var attributes: [KeyValuePair]?
    }

    private struct KeyValuePair: Decodable {
        var key: String
        var value: AttributeValue?
    }

    private struct JSONSpan: Decodable {
        var traceId: String?
        var spanId: String?
        var parentSpanId: String?
        var name: String?
        var kind: EnumValue<Span.Kind>?
        var startTimeUnixNano: Nanoseconds?
        var endTimeUnixNano: Nanoseconds?
        var attributes: [KeyValuePair]?
        var events: [Event]?
        var links: [Link]?
        var status: Status?
    }

    private struct Event: Decodable {
        var timeUnixNano: Nanoseconds?
        var name: String?
        var attributes: [KeyValuePair]?
    }

    private struct Link: Decodable {
        var traceId: String?
        var spanId: String?
        var traceState: String?
        var attributes: [KeyValuePair]?
    }

    private struct Status: Decodable {
        var code: EnumValue<Span.StatusCode>?
        var message: String?
    }

    /// A fixed64 written as a string (the specification) or a number (what some exporters send).
    private struct Nanoseconds: Decodable {
        let value: UInt64

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                guard let number = UInt64(text) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a count of nanoseconds")
                }
                value = number
            } else {
                value = try container.decode(UInt64.self)
            }
        }
    }

    /// An enum as its integer (the specification) or its proto name (`SPAN_KIND_SERVER`).
    private struct EnumValue<Wrapped: RawRepresentable & CaseIterable>: Decodable where Wrapped.RawValue == Int {
        let value: Int

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                value = number
                return
            }
            let name = try container.decode(String.self)
            let suffix = name.split(separator: "_").last.map { $0.lowercased() } ?? ""
            guard let match = Wrapped.allCases.first(where: { "\($0)".lowercased() == suffix }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown enum value \"\(name)\"")
            }
            value = match.rawValue
        }
    }
}
