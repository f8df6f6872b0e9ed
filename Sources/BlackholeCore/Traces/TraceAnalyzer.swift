import Foundation

/// A detector's finding: which trace, which pattern, how bad, and the services it crossed.
public struct PerformanceIssue: Sendable, Equatable, Encodable {
    public let traceID: Data
    public let pattern: TracePattern
    public let description: String
    public let severity: AlertSeverity
    /// When the trace (or, for a span pattern, the span) started.
    public let timestamp: Date
    public let durationMs: Double
    public let services: [String]

    enum CodingKeys: String, CodingKey {
        case traceID = "trace_id", pattern, description, severity, timestamp, durationMs = "duration_ms", services
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(traceID.hex, forKey: .traceID)
        try container.encode(pattern, forKey: .pattern)
        try container.encode(description, forKey: .description)
        try container.encode(severity, forKey: .severity)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(services, forKey: .services)
    }
}

/// Where the time goes for one service and operation (span name).
public struct OperationStats: Sendable, Equatable, Encodable {
    public let service: String
    public let operation: String
    public let count: Int
    public let errorRate: Double
    public let p50Ms: Double
    public let p95Ms: Double
    public let p99Ms: Double
    /// Time spent in the operation itself, not waiting on its children.
    public let selfTimeMs: Double
    /// Its share of the self time of every operation analysed.
    public let selfTimeShare: Double

    enum CodingKeys: String, CodingKey {
        case service, operation, count, errorRate = "error_rate", p50Ms = "p50_ms", p95Ms = "p95_ms", p99Ms = "p99_ms"
        case selfTimeMs = "self_time_ms", selfTimeShare = "self_time_share"
    }
}

/// The chain of spans a slow trace waited on: from the root, each step the child that ended last.
public struct CriticalPath: Sendable, Equatable, Encodable {
    public struct Step: Sendable, Equatable, Encodable {
        public let service: String
        public let operation: String
        public let durationMs: Double
        public let selfTimeMs: Double

        enum CodingKeys: String, CodingKey { case service, operation, durationMs = "duration_ms", selfTimeMs = "self_time_ms" }
    }

    public let traceID: Data
    public let durationMs: Double
    public let steps: [Step]

    enum CodingKeys: String, CodingKey { case traceID = "trace_id", durationMs = "duration_ms", steps }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(traceID.hex, forKey: .traceID)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(steps, forKey: .steps)
    }
}

/// Runs the pattern detectors, builds the bottleneck summary and finds advice over stored spans.
public struct TraceAnalyzer: Sendable {
    public let spans: any SpanReader
    public let thresholds: [TracePattern: Double]

    public init(_ spans: any SpanReader, thresholds: [TracePattern: Double]) {
        self.spans = spans
        self.thresholds = thresholds
    }

    private func threshold(_ pattern: TracePattern) -> Double { thresholds[pattern] ?? pattern.defaultThreshold }

    /// Findings of `patterns` among traces (span patterns: spans) starting in `[since, until)`,
    /// longest first within each pattern. With `service`, only traces that service took part in.
    /// The span patterns look at the window's spans: all of them in `spans` when the caller has
    /// read them already (`analyze` reads them once for its summary too); otherwise only those
    /// that could match are read (`check` looks at a minute of spans every minute).
    public func detect(_ patterns: [TracePattern], since: Date, until: Date, service: String? = nil,
                       spans given: SpanTimings? = nil) throws -> [PerformanceIssue] {
        var issues: [PerformanceIssue] = []
        for pattern in TracePattern.allCases where patterns.contains(pattern) {
            switch pattern {
            case .slowServiceCall:
                let limit = threshold(pattern)
                var filter = window(since, until, service)
                filter.longerThan = limit
                issues += try spans.traces(filter).map { trace in
                    issue(trace, pattern, "\(trace.rootService) \(trace.rootName) took \(DurationText.format(trace.duration)), "
                            + "over \(DurationText.format(limit)), across \(trace.spanCount) spans")
                }
            case .cascadingFailures:
                let limit = Int(threshold(pattern))
                var filter = window(since, until, service)
                filter.minErrors = limit
                issues += try spans.traces(filter).map { trace in
                    issue(trace, pattern, "\(trace.errorCount) of \(trace.spanCount) spans failed (threshold \(limit)) "
                            + "under \(trace.rootService) \(trace.rootName), across \(trace.services.joined(separator: ", "))")
                }
            case .p2pDiscoveryTimeout:
                let limit = threshold(pattern)
                var filter = SpanFilter(since: since, until: until)
                filter.nameContains = Self.discovery
                filter.longerThan = limit
                filter.service = service
                let timings = try given ?? spans.timings(filter)
                issues += discoveriesLongerThan(limit, in: timings, service: service).map { span in
                    let operation = timings.operations[Int(span.timing.operation)]
                    let duration = span.timing.end - span.timing.start
                    return PerformanceIssue(
                        traceID: timings.traceIDs[span.trace], pattern: pattern,
                        description: "\(operation.service) \(operation.name) ran \(DurationText.format(Double(duration) / 1e9)), "
                            + "over \(DurationText.format(limit))",
                        severity: pattern.severity, timestamp: Span.date(nanos: UInt64(span.timing.start)),
                        durationMs: Double(duration) / 1e6, services: [operation.service])
                }
            }
        }
        return issues
    }

    /// What the name of a P2P discovery's span contains.
    private static let discovery = "p2p.discovery"

    /// Spans of a P2P discovery longer than `limit`, longest first, each with its trace.
    private func discoveriesLongerThan(_ limit: TimeInterval, in timings: SpanTimings, service: String?)
        -> [(trace: Int, timing: SpanTiming)] {
        let discovery = timings.operations.map { $0.name.contains(Self.discovery) && (service == nil || $0.service == service) }
        let longest = Span.nanoseconds(limit)
        var found: [(trace: Int, timing: SpanTiming)] = []
        for (trace, range) in timings.traceRanges.enumerated() {
            for span in timings.spans[range] where span.end - span.start > longest && discovery[Int(span.operation)] {
                found.append((trace, span))
            }
        }
        return found.sorted { $0.timing.end - $0.timing.start > $1.timing.end - $1.timing.start }
    }

    /// Every trace starting in the window (that `service` took part in), longest first.
    private func window(_ since: Date, _ until: Date, _ service: String?) -> TraceFilter {
        var filter = TraceFilter(since: since, until: until)
        filter.service = service
        filter.order = .longestFirst
        filter.limit = .max
        return filter
    }

    private func issue(_ trace: TraceSummary, _ pattern: TracePattern, _ description: String) -> PerformanceIssue {
        PerformanceIssue(traceID: trace.traceID, pattern: pattern, description: description, severity: pattern.severity,
                         timestamp: trace.start, durationMs: trace.duration * 1000, services: trace.services)
    }

    /// Per service and operation: count, error rate, latency percentiles and self time, most
    /// self time first; and the critical paths of the `slowest` longest traces.
    public func bottlenecks(of timings: SpanTimings, service: String? = nil, slowest: Int = 3)
        -> (operations: [OperationStats], criticalPaths: [CriticalPath], spanCount: Int) {
        var accumulators = [OperationAccumulator](repeating: OperationAccumulator(), count: timings.operations.count)
        let selfTimes = timings.selfTimes()
        var slow: [(duration: Int64, trace: Int, root: Int)] = []
        for (trace, range) in timings.traceRanges.enumerated() {
            var root: Int?
            for index in range {
                let span = timings.spans[index]
                if span.parent == 0, root.map({ timings.spans[$0].start > span.start }) ?? true { root = index }
                accumulators[Int(span.operation)].add(span, selfTime: selfTimes[index])
            }
            if let root {
                let duration = timings.spans[root].end - timings.spans[root].start
                if slow.count < slowest || duration > slow[slow.count - 1].duration {
                    slow.append((duration, trace, root))
                    slow.sort { $0.duration > $1.duration }
                    if slow.count > slowest { slow.removeLast() }
                }
            }
        }
        var totalSelf: Int64 = 0
        for (index, accumulator) in accumulators.enumerated()
        where service == nil || timings.operations[index].service == service { totalSelf += accumulator.selfTime }
        var operations: [OperationStats] = []
        for index in accumulators.indices where accumulators[index].count > 0 {
            let operation = timings.operations[index]
            if let service, operation.service != service { continue }
            let percentiles = accumulators[index].percentilesMs([0.50, 0.95, 0.99])
            let accumulator = accumulators[index]
            operations.append(OperationStats(
                service: operation.service, operation: operation.name, count: accumulator.count,
                errorRate: Double(accumulator.errors) / Double(accumulator.count),
                p50Ms: percentiles[0], p95Ms: percentiles[1], p99Ms: percentiles[2],
                selfTimeMs: Double(accumulator.selfTime) / 1e6,
                selfTimeShare: totalSelf > 0 ? Double(accumulator.selfTime) / Double(totalSelf) : 0))
        }
        operations.sort { $0.selfTimeMs != $1.selfTimeMs ? $0.selfTimeMs > $1.selfTimeMs : $0.count > $1.count }
        let paths = slow.map { criticalPath(timings, trace: $0.trace, root: $0.root, selfTimes: selfTimes) }
        return (operations, paths, timings.spans.count)
    }

    /// What to change (`Advice.find`) among the spans starting in the window, biggest estimated
    /// saving first; and how many traces those spans belong to.
    public func advice(since: Date, until: Date, service: String? = nil) throws -> (advice: [Advice], traceCount: Int) {
        let timings = try spans.timings(SpanFilter(since: since, until: until))
        return (Advice.find(in: timings, service: service), timings.traceIDs.count)
    }

    private func criticalPath(_ timings: SpanTimings, trace: Int, root: Int, selfTimes: [Int64]) -> CriticalPath {
        let range = timings.traceRanges[trace]
        var steps: [CriticalPath.Step] = []
        var current = root
        var seen: Set<Int> = []
        while seen.insert(current).inserted {
            let span = timings.spans[current]
            let operation = timings.operations[Int(span.operation)]
            steps.append(CriticalPath.Step(service: operation.service, operation: operation.name,
                                           durationMs: Double(span.end - span.start) / 1e6,
                                           selfTimeMs: Double(selfTimes[current]) / 1e6))
            guard let next = range.filter({ timings.spans[$0].parent == span.spanID }).max(by: { timings.spans[$0].end < timings.spans[$1].end })
            else { break }
            current = next
        }
        let rootSpan = timings.spans[root]
        return CriticalPath(traceID: timings.traceIDs[trace], durationMs: Double(rootSpan.end - rootSpan.start) / 1e6, steps: steps)
    }
}

private struct OperationAccumulator {
    var count = 0
    var errors = 0
    var selfTime: Int64 = 0
    var durations: [Int64] = []

    mutating func add(_ span: SpanTiming, selfTime: Int64) {
        count += 1
        if span.error { errors += 1 }
        self.selfTime += selfTime
        durations.append(span.end - span.start)
    }

    /// Nearest-rank percentiles of the durations, in milliseconds, for `quantiles` in ascending
    /// order: each rank selected among the durations above the one before.
    mutating func percentilesMs(_ quantiles: [Double]) -> [Double] {
        var from = 0
        return quantiles.map { quantile in
            let rank = min(max(0, Int((quantile * Double(durations.count)).rounded(.up)) - 1), durations.count - 1)
            durations.select(rank: rank, within: from..<durations.count)
            from = rank
            return Double(durations[rank]) / 1e6
        }
    }
}

/// What `check` learns from spans: how many findings each detector made among the traces that
/// started since the previous check, recorded as the series `trace.pattern.findings{pattern=...}`.
/// Alert rules on that series raise `performance` alerts, through the one alert machinery.
///
/// A trace is judged once, a while after it starts (`settle`): an SDK exports a span when it
/// ends, so a slow trace is not all there the moment it begins.
public struct TracePatternMonitor: Sendable {
    public static let metric = "trace.pattern.findings"
    /// How far back the first check looks.
    static let firstLookBack: TimeInterval = 300

    let store: Store
    let clock: any WallClock
    let thresholds: [TracePattern: Double]

    public init(store: Store, clock: any WallClock, thresholds: [TracePattern: Double]) {
        self.store = store
        self.clock = clock
        self.thresholds = thresholds
    }

    /// The longest duration threshold and a minute for spans to be exported and stored.
    var settle: TimeInterval {
        TracePattern.allCases.filter { !$0.countsSpans }.map { thresholds[$0] ?? $0.defaultThreshold }.max()! + 60
    }

    @discardableResult
    public func run() throws -> [PerformanceIssue] {
        let now = clock.now()
        let upTo = now - settle
        let state = SamplerState(store)
        let since = min(upTo, try state.load(Date.self, name: "trace_patterns") ?? upTo - Self.firstLookBack)
        let issues = try TraceAnalyzer(SpanStore(store), thresholds: thresholds).detect(TracePattern.allCases, since: since, until: upTo)
        try MetricStore(store).record(TracePattern.allCases.map { pattern in
            Sample(Self.metric, Double(issues.filter { $0.pattern == pattern }.count), labels: ["pattern": pattern.rawValue], time: now)
        })
        try state.save(upTo, name: "trace_patterns", time: now)
        return issues
    }
}
