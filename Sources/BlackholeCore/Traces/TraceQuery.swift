import Foundation
import GRDB

/// What `traces` selects: every condition must hold for a trace to be listed.
public struct TraceFilter: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case error, ok
    }

    public var since: Date
    public var until: Date?
    /// A service that took part in the trace.
    public var service: String?
    /// A substring of any span's name, case-insensitive.
    public var name: String?
    public var minDuration: TimeInterval?
    public var maxDuration: TimeInterval?
    public var status: Status?
    /// Span or resource attributes, each `key=value` with the value compared as text.
    public var attributes: [(key: String, value: String)] = []
    public var limit = 20

    public init(since: Date) { self.since = since }
}

extension SpanStore {
    /// Trace summaries, newest first.
    public func traces(_ filter: TraceFilter) throws -> [TraceSummary] {
        var conditions = ["start_ns >= ?"]
        let since = Self.nanos(filter.since)
        var arguments: [any DatabaseValueConvertible] = [since]
        if let until = filter.until {
            conditions.append("start_ns < ?")
            arguments.append(Self.nanos(until))
        }
        if let service = filter.service {
            conditions.append(Self.tookPart)
            arguments.append(Self.tookPartArgument(service))
        }
        if let minimum = filter.minDuration {
            conditions.append("end_ns - start_ns >= ?")
            arguments.append(Span.nanoseconds(minimum))
        }
        if let maximum = filter.maxDuration {
            conditions.append("end_ns - start_ns <= ?")
            arguments.append(Span.nanoseconds(maximum))
        }
        switch filter.status {
        case .error?: conditions.append("error_count > 0")
        case .ok?: conditions.append("error_count = 0")
        case nil: break
        }
        if let name = filter.name {
            conditions.append("id IN (SELECT trace_ref FROM spans WHERE start_ns >= ? AND name LIKE ? ESCAPE '\\')")
            arguments += [since, "%" + Self.escapeLike(name) + "%"]
        }
        for (key, value) in filter.attributes {
            // A JSON path names keys between double quotes, with no way to escape one.
            guard !key.contains("\""), !key.contains("\\") else {
                throw BlackholeError(.usage, "--attr: an attribute key cannot contain quotes or backslashes: \(key)")
            }
            let spanValue = Self.attributeText("attributes", key: key)
            let resourceValue = Self.attributeText("resource", key: key)
            conditions.append("""
                id IN (SELECT trace_ref FROM spans WHERE start_ns >= ? AND (\(spanValue) = ? OR origin_id IN (
                    SELECT id FROM span_origins WHERE \(resourceValue) = ?)))
                """)
            arguments += [since, value, value]
        }
        arguments.append(filter.limit)
        return try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM traces WHERE \(conditions.joined(separator: " AND ")) ORDER BY start_ns DESC LIMIT ?
                """, arguments: StatementArguments(arguments)).map(TraceSummary.init(row:))
        }
    }

    /// The summary of the one trace whose id is, or starts with, `text` (hex).
    public func resolveTrace(_ text: String) throws -> TraceSummary {
        let prefix = text.lowercased()
        guard !prefix.isEmpty, prefix.count <= 32, prefix.utf8.allSatisfy({ Data.nibble($0) != nil }) else {
            throw BlackholeError(.usage, "trace id \"\(text)\" is not hex (up to 32 digits)")
        }
        // The ids starting with the prefix lie between it padded with 0s and with fs.
        let low = Data(hex: prefix.padding(toLength: 32, withPad: "0", startingAt: 0))!
        let high = Data(hex: prefix.padding(toLength: 32, withPad: "f", startingAt: 0))!
        let matches = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM traces WHERE trace_id BETWEEN ? AND ? LIMIT 6", arguments: [low, high])
                .map(TraceSummary.init(row:))
        }
        switch matches.count {
        case 0: throw BlackholeError(.usage, "no stored trace has an id starting with \(prefix)")
        case 1: return matches[0]
        default:
            let shown = matches.prefix(5).map(\.traceID.hex).joined(separator: ", ")
            throw BlackholeError(.usage, "\(prefix) is ambiguous: \(shown)\(matches.count > 5 ? ", …" : ""); give more digits")
        }
    }

    static func nanos(_ date: Date) -> Int64 { Span.nanoseconds(date.timeIntervalSince1970) }

    /// The condition on `traces` that a service took part in, with `tookPartArgument` bound: the
    /// quoted name in the JSON array of services, so no LIKE escapes are needed.
    static let tookPart = "instr(services, ?) > 0"

    static func tookPartArgument(_ service: String) -> String {
        var quoted = ""
        SpanJSON.string(service, into: &quoted)
        return quoted
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// An attribute's value as text, whatever its OTLP type (`true`, `42`, `1.5`, `GET`).
    private static func attributeText(_ column: String, key: String) -> String {
        let path = "'$.\"" + key.replacingOccurrences(of: "'", with: "''") + "\""
        return """
            CAST(COALESCE(json_extract(\(column), \(path).stringValue'), json_extract(\(column), \(path).intValue'),
                          CASE json_extract(\(column), \(path).boolValue') WHEN 1 THEN 'true' WHEN 0 THEN 'false' END,
                          json_extract(\(column), \(path).doubleValue')) AS TEXT)
            """
    }
}
