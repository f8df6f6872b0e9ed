import Foundation

/// An attribute value with OpenTelemetry's types (AnyValue), arrays and maps included.
public indirect enum AttributeValue: Sendable, Equatable, Codable {
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
        } else if let value = try container.decodeIfPresent(Double.self, forKey: .double) {
            self = .double(value)
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

/// A span with OpenTelemetry's semantics: 16-byte trace id, 8-byte span id, parent, kind,
/// start and end in nanoseconds since the epoch, status, attributes, and the service that made it.
public struct Span: Sendable, Equatable {
    public enum Kind: Int, Sendable, Codable {
        case unspecified = 0, `internal` = 1, server = 2, client = 3, producer = 4, consumer = 5
    }

    public enum StatusCode: Int, Sendable, Codable {
        case unset = 0, ok = 1, error = 2
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
    public var attributes: [String: AttributeValue]
    public var service: String

    public init(traceID: Data, spanID: Data, parentSpanID: Data?, name: String, kind: Kind = .internal, start: Date, end: Date,
                statusCode: StatusCode = .unset, statusMessage: String = "", attributes: [String: AttributeValue] = [:],
                service: String = "blackhole") {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        startNanos = Self.nanos(start)
        endNanos = max(Self.nanos(start), Self.nanos(end))
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.attributes = attributes
        self.service = service
    }

    public var duration: TimeInterval { Double(endNanos - startNanos) / 1e9 }

    static func nanos(_ date: Date) -> UInt64 { UInt64(max(0, date.timeIntervalSince1970 * 1e9).rounded()) }

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
    public var hex: String { map { String(format: "%02x", $0) }.joined() }
}
