import Foundation

/// An attribute value with OpenTelemetry's types (AnyValue), arrays and maps included.
public indirect enum AttributeValue: Sendable, Hashable, Codable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes(Data)
    case array([AttributeValue])
    case map([String: AttributeValue])

    /// Stored in OTLP/JSON's own shape (`{"intValue": "42"}`), so nothing is lost or reinterpreted.
    enum CodingKeys: String, CodingKey {
        case string = "stringValue", bool = "boolValue", int = "intValue", double = "doubleValue", bytes = "bytesValue"
        case array = "arrayValue", map = "kvlistValue"
    }

    private struct Values: Codable { var values: [AttributeValue]? }
    private struct KeyValues: Codable { var values: [KeyValue]? }
    private struct KeyValue: Codable {
        var key: String
        var value: AttributeValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: .string)
        case .bool(let value): try container.encode(value, forKey: .bool)
        case .int(let value): try container.encode(String(value), forKey: .int)
        case .double(let value): try container.encode(value, forKey: .double)
        case .bytes(let value): try container.encode(value.base64EncodedString(), forKey: .bytes)
        case .array(let values): try container.encode(Values(values: values), forKey: .array)
        case .map(let values):
            try container.encode(KeyValues(values: values.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) }), forKey: .map)
        }
    }

    public init(from decoder: any Decoder) throws {
        // Strings and booleans are stored as plain JSON.
        if let single = try? decoder.singleValueContainer() {
            if let text = try? single.decode(String.self) {
                self = .string(text)
                return
            }
            if let flag = try? single.decode(Bool.self) {
                self = .bool(flag)
                return
            }
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(String.self, forKey: .string) {
            self = .string(value)
        } else if let value = try container.decodeIfPresent(Bool.self, forKey: .bool) {
            self = .bool(value)
        } else if container.contains(.int) {
            // OTLP/JSON writes 64-bit integers as strings; numbers are accepted too.
            if let text = try? container.decode(String.self, forKey: .int), let value = Int64(text) {
                self = .int(value)
            } else {
                self = .int(try container.decode(Int64.self, forKey: .int))
            }
        } else if container.contains(.double) {
            // Non-finite doubles are written as the strings of proto3's JSON mapping.
            if let text = try? container.decode(String.self, forKey: .double) {
                guard let value = ["NaN": Double.nan, "Infinity": .infinity, "-Infinity": -.infinity][text] ?? Double(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .double, in: container, debugDescription: "doubleValue is not a number")
                }
                self = .double(value)
            } else {
                self = .double(try container.decode(Double.self, forKey: .double))
            }
        } else if let text = try container.decodeIfPresent(String.self, forKey: .bytes) {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "bytesValue is not base64")
            }
            self = .bytes(data)
        } else if let values = try container.decodeIfPresent(Values.self, forKey: .array) {
            self = .array(values.values ?? [])
        } else if let values = try container.decodeIfPresent(KeyValues.self, forKey: .map) {
            self = .map(Dictionary(values.values?.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { _, last in last }))
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "empty attribute value"))
        }
    }
}

/// Attributes as OTLP carries them: a map from key to any value.
public typealias Attributes = [String: AttributeValue]

/// Who produced a span: the resource's attributes (`service.name` among them) and the
/// instrumentation scope. Many spans share one; it is stored once.
public struct SpanOrigin: Sendable, Hashable {
    public var resource: Attributes
    public var scopeName: String
    public var scopeVersion: String
    public var scopeAttributes: Attributes

    public init(resource: Attributes = [:], scopeName: String = "", scopeVersion: String = "", scopeAttributes: Attributes = [:]) {
        self.resource = resource
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
        self.scopeAttributes = scopeAttributes
    }

    public init(service: String) { self.init(resource: ["service.name": .string(service)]) }

    /// `service.name`, or the specification's `unknown_service` when a resource has none.
    public var service: String {
        if case .string(let name)? = resource["service.name"], !name.isEmpty { return name }
        return "unknown_service"
    }
}

/// A span with OpenTelemetry's semantics: 16-byte trace id, 8-byte span id, parent, kind,
/// start and end in nanoseconds since the epoch, status, attributes, events, links, and the
/// resource and scope that made it.
public struct Span: Sendable, Equatable {
    public enum Kind: Int, Sendable, Codable, CaseIterable {
        case unspecified = 0, `internal` = 1, server = 2, client = 3, producer = 4, consumer = 5

        public var name: String { self == .unspecified ? "unspecified" : "\(self)" }
    }

    public enum StatusCode: Int, Sendable, Codable, CaseIterable {
        case unset = 0, ok = 1, error = 2

        public var name: String { "\(self)" }
    }

    public struct Event: Sendable, Equatable {
        public var timeNanos: UInt64
        public var name: String
        public var attributes: Attributes

        public init(timeNanos: UInt64, name: String, attributes: Attributes = [:]) {
            self.timeNanos = timeNanos
            self.name = name
            self.attributes = attributes
        }
    }

    public struct Link: Sendable, Equatable {
        public var traceID: Data
        public var spanID: Data
        public var traceState: String
        public var attributes: Attributes

        public init(traceID: Data, spanID: Data, traceState: String = "", attributes: Attributes = [:]) {
            self.traceID = traceID
            self.spanID = spanID
            self.traceState = traceState
            self.attributes = attributes
        }
    }

    public var traceID: Data
    public var spanID: Data
    public var parentSpanID: Data?
    public var name: String
    public var kind: Kind
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var statusCode: StatusCode
    public var statusMessage: String
    public var attributes: Attributes
    public var events: [Event]
    public var links: [Link]
    public var origin: SpanOrigin

    public init(traceID: Data, spanID: Data, parentSpanID: Data?, name: String, kind: Kind = .internal,
                startNanos: UInt64, endNanos: UInt64, statusCode: StatusCode = .unset, statusMessage: String = "",
                attributes: Attributes = [:], events: [Event] = [], links: [Link] = [], origin: SpanOrigin) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startNanos = startNanos
        self.endNanos = max(startNanos, endNanos)
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.attributes = attributes
        self.events = events
        self.links = links
        self.origin = origin
    }

    /// A span blackhole makes itself (discovery, pings, `exec`).
    public init(traceID: Data, spanID: Data, parentSpanID: Data?, name: String, kind: Kind = .internal, start: Date, end: Date,
                statusCode: StatusCode = .unset, statusMessage: String = "", attributes: Attributes = [:],
                service: String = "blackhole") {
        self.init(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: name, kind: kind,
                  startNanos: Self.nanos(start), endNanos: Self.nanos(end), statusCode: statusCode, statusMessage: statusMessage,
                  attributes: attributes, origin: SpanOrigin(service: service))
    }

    public var service: String { origin.service }
    public var durationNanos: UInt64 { endNanos - startNanos }
    public var duration: TimeInterval { Double(endNanos - startNanos) / 1e9 }

    public static func nanos(_ date: Date) -> UInt64 { UInt64(max(0, nanoseconds(date.timeIntervalSince1970))) }

    /// Seconds as nanoseconds, clamped to what a signed 64-bit column holds (about 292 years).
    public static func nanoseconds(_ seconds: TimeInterval) -> Int64 {
        Int64(min(max((seconds * 1e9).rounded(), -9.2e18), 9.2e18))
    }

    public static func date(nanos: UInt64) -> Date { Date(timeIntervalSince1970: Double(nanos) / 1e9) }

    public var start: Date { Self.date(nanos: startNanos) }
    public var end: Date { Self.date(nanos: endNanos) }

    /// W3C/OTLP ids: random, never all zero.
    public static func newTraceID() -> Data { randomID(16) }
    public static func newSpanID() -> Data { randomID(8) }

    private static func randomID(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        while true {
            let bytes = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            if bytes.contains(where: { $0 != 0 }) { return bytes }
        }
    }
}

extension Data {
    /// Lowercase hex, as ids are written everywhere.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: count * 2) { buffer in
            for (index, byte) in enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return count * 2
        }
    }
}
