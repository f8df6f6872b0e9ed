import Foundation

/// `telemetry traces`: one row per trace, newest first.
public struct TraceListReport: Report {
    public let traces: [TraceSummary]
    public let since: Date
    public let limit: Int

    public init(traces: [TraceSummary], since: Date, limit: Int) {
        self.traces = traces
        self.since = since
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey { case traces, since, limit }

    public func renderText(_ style: TextStyle) -> String {
        guard !traces.isEmpty else {
            return "No traces since \(TimeText.human(since, utc: style.utc)) match. "
                + "Send spans with 'blackhole telemetry ingest FILE' or an OTLP exporter, or widen --since."
        }
        var table = Table([("TRACE", .left), ("START", .left), ("DURATION", .right), ("SPANS", .right), ("ERRORS", .right),
                           ("ROOT", .left), ("SERVICES", .left)])
        for trace in traces {
            let root = "\(trace.rootService): \(trace.rootName)\(trace.hasRoot ? "" : " (root missing)")"
            table.append([Table.Cell(String(trace.traceID.hex.prefix(16)), .dim), Table.Cell(TimeText.human(trace.start, utc: style.utc)),
                          Table.Cell(DurationText.format(trace.duration)), Table.Cell("\(trace.spanCount)"),
                          Table.Cell("\(trace.errorCount)", trace.errorCount > 0 ? .red : nil), Table.Cell(root),
                          Table.Cell(trace.services.joined(separator: ","))])
        }
        var text = table.render(style)
        if traces.count == limit { text += "\n(first \(limit); --limit N for more)" }
        return text
    }
}

/// `telemetry trace ID`: the span tree of one trace with a timing waterfall.
public struct TraceDetailReport: Report {
    /// A span where the tree puts it.
    public struct Node: Sendable, Encodable {
        public let span: Span
        public let depth: Int
        /// Its parent was not received: shown at the top level, not lost.
        public let orphan: Bool

        enum CodingKeys: String, CodingKey {
            case spanID = "span_id", parentSpanID = "parent_span_id", name, service, kind, start = "start_time", end = "end_time"
            case startNanos = "start_time_unix_nano", endNanos = "end_time_unix_nano", duration = "duration_ms", status, attributes
            case events, links, resource, scope, depth, orphan
        }

        private struct Status: Encodable {
            let code: String
            let message: String
        }

        private struct Event: Encodable {
            let name: String
            let time: Date
            let timeNanos: String
            let attributes: Attributes

            enum CodingKeys: String, CodingKey { case name, time, timeNanos = "time_unix_nano", attributes }
        }

        private struct Link: Encodable {
            let traceID: String
            let spanID: String
            let traceState: String
            let attributes: Attributes

            enum CodingKeys: String, CodingKey { case traceID = "trace_id", spanID = "span_id", traceState = "trace_state", attributes }
        }

        private struct Scope: Encodable {
            let name: String
            let version: String
            let attributes: Attributes
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(span.spanID.hex, forKey: .spanID)
            try container.encode(span.parentSpanID?.hex, forKey: .parentSpanID)
            try container.encode(span.name, forKey: .name)
            try container.encode(span.service, forKey: .service)
            try container.encode(span.kind.name, forKey: .kind)
            try container.encode(span.start, forKey: .start)
            try container.encode(span.end, forKey: .end)
            try container.encode(String(span.startNanos), forKey: .startNanos)
            try container.encode(String(span.endNanos), forKey: .endNanos)
            try container.encode(Double(span.durationNanos) / 1e6, forKey: .duration)
            try container.encode(Status(code: span.statusCode.name, message: span.statusMessage), forKey: .status)
            try container.encode(span.attributes, forKey: .attributes)
            try container.encode(span.events.map {
                Event(name: $0.name, time: Span.date(nanos: $0.timeNanos), timeNanos: String($0.timeNanos),
                      attributes: $0.attributes)
            }, forKey: .events)
            try container.encode(span.links.map {
                Link(traceID: $0.traceID.hex, spanID: $0.spanID.hex, traceState: $0.traceState, attributes: $0.attributes)
            }, forKey: .links)
            try container.encode(span.origin.resource, forKey: .resource)
            try container.encode(Scope(name: span.origin.scopeName, version: span.origin.scopeVersion,
                                       attributes: span.origin.scopeAttributes), forKey: .scope)
            try container.encode(depth, forKey: .depth)
            try container.encode(orphan, forKey: .orphan)
        }
    }

    public let trace: TraceSummary
    /// Depth-first: each span followed by its children, children ordered by start.
    public let spans: [Node]

    enum CodingKeys: String, CodingKey { case trace, spans }

    public init(trace: TraceSummary, spans: [Span]) {
        self.trace = trace
        self.spans = Self.tree(spans)
    }

    static func tree(_ spans: [Span]) -> [Node] {
        let ordered = spans.sorted { $0.startNanos != $1.startNanos ? $0.startNanos < $1.startNanos : $0.endNanos > $1.endNanos }
        let ids = Set(ordered.map(\.spanID))
        var children: [Data: [Span]] = [:]
        var tops: [Span] = []
        for span in ordered {
            if let parent = span.parentSpanID, ids.contains(parent), parent != span.spanID {
                children[parent, default: []].append(span)
            } else {
                tops.append(span)
            }
        }
        var nodes: [Node] = []
        var visited: Set<Data> = []
        func visit(_ span: Span, depth: Int) {
            guard visited.insert(span.spanID).inserted else { return }
            nodes.append(Node(span: span, depth: depth, orphan: depth == 0 && span.parentSpanID != nil))
            for child in children[span.spanID] ?? [] { visit(child, depth: depth + 1) }
        }
        for span in tops { visit(span, depth: 0) }
        // Spans caught in a parent cycle have no way down from a top: still show them.
        for span in ordered where !visited.contains(span.spanID) { visit(span, depth: 0) }
        return nodes
    }

    public func renderText(_ style: TextStyle) -> String {
        var header = "trace \(trace.traceID.hex)  \(trace.rootService): \(trace.rootName)  \(DurationText.format(trace.duration))  "
            + "\(trace.spanCount) spans"
        if trace.errorCount > 0 { header += style.paint(", \(trace.errorCount) errors", .red) }
        header += "  \(TimeText.human(trace.start, utc: style.utc))"
        let width = 40
        let total = max(1, Double(trace.endNanos - trace.startNanos))
        var table = Table([("SERVICE", .left), ("OPERATION", .left), ("DURATION", .right), ("STATUS", .left), ("TIMELINE", .left)])
        for (index, node) in spans.enumerated() {
            let span = node.span
            let prefix = treePrefix(at: index)
            let offset = Int((Double(span.startNanos - min(span.startNanos, trace.startNanos)) / total * Double(width)).rounded(.down))
            let length = max(1, Int((Double(span.durationNanos) / total * Double(width)).rounded()))
            let bar = String(repeating: " ", count: min(offset, width - 1)) + String(repeating: "█", count: min(length, width - min(offset, width - 1)))
            let status: Table.Cell = switch span.statusCode {
            case .error: Table.Cell(span.statusMessage.isEmpty ? "error" : "error: \(span.statusMessage)", .red)
            case .ok: Table.Cell("ok", .green)
            case .unset: ""
            }
            table.append([Table.Cell(span.service), Table.Cell(prefix + span.name + (node.orphan ? " (parent missing)" : "")),
                          Table.Cell(DurationText.format(Double(span.durationNanos) / 1e9)), status,
                          Table.Cell(bar, span.statusCode == .error ? .red : .blue)])
            if style.verbose {
                let indent = continuationPrefix(at: index)
                for key in span.attributes.keys.sorted() {
                    table.append(["", Table.Cell(indent + "\(key)=\(Self.clip(span.attributes[key]!.text))", .dim), "", "", ""])
                }
                for event in span.events {
                    let at = DurationText.format(Double(event.timeNanos > span.startNanos ? event.timeNanos - span.startNanos : 0) / 1e9)
                    let details = event.attributes.keys.sorted().map { "\($0)=\(Self.clip(event.attributes[$0]!.text))" }.joined(separator: " ")
                    table.append(["", Table.Cell(indent + "event \(event.name) +\(at) \(details)", .dim), "", "", ""])
                }
            }
        }
        return header + "\n" + table.render(style)
    }

    private static func clip(_ text: String) -> String { text.count > 60 ? String(text.prefix(59)) + "…" : text }

    /// `│  ├─ ` for a span: bars for open ancestors, a branch for itself.
    private func treePrefix(at index: Int) -> String {
        let depth = spans[index].depth
        guard depth > 0 else { return "" }
        var prefix = ""
        for level in 1..<depth { prefix += hasLaterSibling(at: index, level: level) ? "│  " : "   " }
        return prefix + (hasLaterSibling(at: index, level: depth) ? "├─ " : "└─ ")
    }

    private func continuationPrefix(at index: Int) -> String {
        let depth = spans[index].depth
        var prefix = ""
        for level in stride(from: 1, through: depth, by: 1) { prefix += hasLaterSibling(at: index, level: level) ? "│  " : "   " }
        return prefix + "  "
    }

    /// Whether the ancestor of `index` at `level` (or itself) has a later sibling.
    private func hasLaterSibling(at index: Int, level: Int) -> Bool {
        for later in spans[(index + 1)...] {
            if later.depth < level { return false }
            if later.depth == level { return true }
        }
        return false
    }
}

extension AttributeValue {
    /// For a person, and for matching `--attr key=value`: `GET`, `42`, `true`, `[a, b]`.
    public var text: String {
        switch self {
        case .string(let value): value
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .bytes(let value): value.base64EncodedString()
        case .array(let values): "[" + values.map(\.text).joined(separator: ", ") + "]"
        case .map(let values): "{" + values.keys.sorted().map { "\($0): \(values[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }
}

/// `telemetry analyze`: detector findings, and where the time goes.
public struct TraceAnalysisReport: Report {
    public let since: Date
    public let until: Date
    public let patterns: [TracePattern]
    public let issues: [PerformanceIssue]
    /// The bottleneck summary, when asked for.
    public let summary: Summary?

    public struct Summary: Sendable, Encodable {
        public let spanCount: Int
        public let operations: [OperationStats]
        public let criticalPaths: [CriticalPath]

        public init(spanCount: Int, operations: [OperationStats], criticalPaths: [CriticalPath]) {
            self.spanCount = spanCount
            self.operations = operations
            self.criticalPaths = criticalPaths
        }

        enum CodingKeys: String, CodingKey { case spanCount = "span_count", operations, criticalPaths = "critical_paths" }
    }

    public init(since: Date, until: Date, patterns: [TracePattern], issues: [PerformanceIssue], summary: Summary?) {
        self.since = since
        self.until = until
        self.patterns = patterns
        self.issues = issues
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey { case since, until, patterns, issues, summary }

    /// Rows shown as text unless -v: the JSON always has everything.
    private static let shown = 15

    public func renderText(_ style: TextStyle) -> String {
        let window = "since \(TimeText.human(since, utc: style.utc))"
        var sections: [String] = []
        if !patterns.isEmpty {
            sections.append(findingsText(style, window: window))
        }
        if let summary {
            sections.append(summaryText(summary, style, window: window))
        }
        return sections.joined(separator: "\n\n")
    }

    private func findingsText(_ style: TextStyle, window: String) -> String {
        let names = patterns.map(\.rawValue).joined(separator: ", ")
        guard !issues.isEmpty else { return "No findings \(window) (\(names))." }
        let counts = patterns.compactMap { pattern -> String? in
            let count = issues.filter { $0.pattern == pattern }.count
            return count > 0 ? "\(pattern.rawValue) \(count)" : nil
        }
        var text = "\(issues.count) findings \(window): \(counts.joined(separator: ", "))\n"
        var table = Table([("SEVERITY", .left), ("PATTERN", .left), ("TRACE", .left), ("START", .left), ("DURATION", .right),
                           ("DESCRIPTION", .left)])
        let listed = style.verbose ? issues[...] : issues.prefix(Self.shown)
        for issue in listed {
            table.append([Table.Cell(issue.severity.rawValue, issue.severity == .critical ? .red : .yellow), Table.Cell(issue.pattern.rawValue),
                          Table.Cell(String(issue.traceID.hex.prefix(16)), .dim), Table.Cell(TimeText.human(issue.timestamp, utc: style.utc)),
                          Table.Cell(DurationText.format(issue.durationMs / 1000)), Table.Cell(issue.description)])
        }
        text += table.render(style)
        if listed.count < issues.count { text += "\n(\(issues.count - listed.count) more: -v lists all, --json has all)" }
        return text
    }

    private func summaryText(_ summary: Summary, _ style: TextStyle, window: String) -> String {
        guard summary.spanCount > 0 else {
            return "No spans \(window) to summarise. Send spans with 'blackhole telemetry ingest FILE' or an OTLP exporter, or widen --since."
        }
        var text = "Where the time goes: \(summary.spanCount) spans \(window), by self time (time not spent waiting on children)\n"
        var table = Table([("SERVICE", .left), ("OPERATION", .left), ("COUNT", .right), ("ERRORS", .right), ("P50", .right),
                           ("P95", .right), ("P99", .right), ("SELF", .right), ("SHARE", .right)])
        let listed = style.verbose ? summary.operations[...] : summary.operations.prefix(Self.shown)
        for operation in listed {
            let errors = operation.errorRate > 0 ? String(format: "%.1f%%", operation.errorRate * 100) : "0"
            table.append([Table.Cell(operation.service), Table.Cell(operation.operation), Table.Cell("\(operation.count)"),
                          Table.Cell(errors, operation.errorRate > 0 ? .red : nil),
                          Table.Cell(DurationText.format(operation.p50Ms / 1000)), Table.Cell(DurationText.format(operation.p95Ms / 1000)),
                          Table.Cell(DurationText.format(operation.p99Ms / 1000)), Table.Cell(DurationText.format(operation.selfTimeMs / 1000)),
                          Table.Cell(String(format: "%.1f%%", operation.selfTimeShare * 100))])
        }
        text += table.render(style)
        if listed.count < summary.operations.count {
            text += "\n(\(summary.operations.count - listed.count) more operations: -v lists all)"
        }
        if !summary.criticalPaths.isEmpty {
            text += "\n\nCritical path of the slowest traces (each step: the child its parent waited on longest):"
            for path in summary.criticalPaths {
                text += "\n  " + style.paint(String(path.traceID.hex.prefix(16)), .dim) + "  " + DurationText.format(path.durationMs / 1000)
                for (depth, step) in path.steps.enumerated() {
                    text += "\n    " + String(repeating: "  ", count: depth) + "\(step.service) \(step.operation)  "
                        + "\(DurationText.format(step.durationMs / 1000)) (self \(DurationText.format(step.selfTimeMs / 1000)))"
                }
            }
        }
        return text
    }
}

/// `telemetry analyze --advice`: what to change, biggest estimated saving first.
public struct TraceAdviceReport: Report {
    public let since: Date
    public let until: Date
    /// Traces with spans in the window.
    public let traceCount: Int
    public let advice: [Advice]

    public init(since: Date, until: Date, traceCount: Int, advice: [Advice]) {
        self.since = since
        self.until = until
        self.traceCount = traceCount
        self.advice = advice
    }

    enum CodingKeys: String, CodingKey { case since, until, traceCount = "trace_count", advice }

    /// Rows shown as text unless -v: the JSON always has everything.
    private static let shown = 15

    public func renderText(_ style: TextStyle) -> String {
        let window = "since \(TimeText.human(since, utc: style.utc))"
        guard traceCount > 0 else {
            return "No advice: no traces \(window). Send spans with 'blackhole telemetry ingest FILE' or an OTLP exporter, or widen --since."
        }
        guard !advice.isEmpty else {
            let kinds = AdviceKind.allCases.map(\.title)
            return "No advice: \(traceCount) traces \(window) show no \(kinds.dropLast().joined(separator: ", ")) or \(kinds.last!)."
        }
        var text = "Advice from \(traceCount) traces \(window), biggest estimated saving first:\n"
        var table = Table([("SAVING", .right), ("KIND", .left), ("SEEN", .right), ("TRACE", .left), ("WHAT TO CHANGE", .left)])
        let listed = style.verbose ? advice[...] : advice.prefix(Self.shown)
        for finding in listed {
            let trace = finding.traceIDs.first.map { String($0.hex.prefix(16)) } ?? ""
            let more = finding.traceIDs.count > 1 ? " +\(finding.traceIDs.count - 1)" : ""
            table.append([Table.Cell(DurationText.format(finding.estimatedSavingMs / 1000)), Table.Cell(finding.kind.rawValue),
                          Table.Cell("\(finding.occurrences)"), Table.Cell(trace + more, .dim), Table.Cell(finding.description)])
        }
        text += table.render(style)
        if listed.count < advice.count { text += "\n(\(advice.count - listed.count) more: -v lists all, --json has all)" }
        return text
    }
}
