import Foundation

/// What `analyze --advice` can tell an operator to change.
public enum AdviceKind: String, CaseIterable, Sendable, Encodable {
    /// Many calls of one operation under one parent, where one batched call would do.
    case nPlusOne = "n_plus_one"
    /// Calls to other services made one after another that could run at once.
    case serialFanOut = "serial_fan_out"
    /// One call tried again and again after failing.
    case retryStorm = "retry_storm"
    /// One operation holding a large share of all self time, with a slow tail.
    case slowOperation = "slow_operation"
    /// Many small calls from one service to another within one trace.
    case chattyServices = "chatty_services"

    /// As a sentence names it.
    public var title: String {
        switch self {
        case .nPlusOne: "N+1"
        case .serialFanOut: "serial fan-out"
        case .retryStorm: "retry storm"
        case .slowOperation: "slow operation"
        case .chattyServices: "chatty services"
        }
    }
}

/// When a shape of calls is worth a finding: every default of the advice in one place.
public struct AdviceThresholds: Sendable, Equatable {
    /// Calls of one operation under one parent that make an N+1.
    public var nPlusOneCalls = 5
    /// Back-to-back calls to other services under one parent, each a different operation, that
    /// make a serial fan-out.
    public var serialFanOutCalls = 3
    /// Attempts of one call under one parent, each after the previous one failed, that make a
    /// retry storm.
    public var retryAttempts = 3
    /// The share of all self time an operation must hold to be called slow...
    public var slowOperationShare = 0.3
    /// ...over at least this many spans, so a few odd spans make no finding.
    public var slowOperationSpans = 20
    /// Calls from one service to another in one trace that make the pair chatty...
    public var chattyCalls = 10
    /// ...counting only calls this short (seconds): long calls are work, not chatter.
    public var chattyCallDuration: TimeInterval = 0.05

    public init() {}
}

/// One thing to change, the spans that show it and the time it would save.
public struct Advice: Sendable, Equatable, Encodable {
    public let kind: AdviceKind
    /// Where the change goes: the calling span's service and operation (for `slow_operation`,
    /// the operation itself); for `chatty_services`, the calling service and no operation.
    public let service: String
    public let operation: String?
    /// The spans the finding is about: their names and their services.
    public let spanNames: [String]
    public let spanServices: [String]
    /// How often the shape was seen: calling spans (`chatty_services`: traces; `slow_operation`:
    /// spans slower than the operation's median).
    public let occurrences: Int
    /// The spans involved, over every occurrence (`slow_operation`: every span of the operation).
    public let calls: Int
    /// Summed over every occurrence in the window.
    public let estimatedSavingMs: Double
    /// The traces where the change saves most, at most `Advice.evidenceTraces`.
    public let traceIDs: [Data]
    /// What to change, in one line.
    public let description: String

    /// Trace ids kept as evidence for each finding.
    static let evidenceTraces = 5

    enum CodingKeys: String, CodingKey {
        case kind, service, operation, spanNames = "span_names", spanServices = "span_services", occurrences, calls
        case estimatedSavingMs = "estimated_saving_ms", traceIDs = "trace_ids", description
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(service, forKey: .service)
        try container.encode(operation, forKey: .operation)
        try container.encode(spanNames, forKey: .spanNames)
        try container.encode(spanServices, forKey: .spanServices)
        try container.encode(occurrences, forKey: .occurrences)
        try container.encode(calls, forKey: .calls)
        try container.encode(estimatedSavingMs, forKey: .estimatedSavingMs)
        try container.encode(traceIDs.map(\.hex), forKey: .traceIDs)
        try container.encode(description, forKey: .description)
    }

    /// Every finding among `timings`, biggest estimated saving first. With `service`, only the
    /// findings that service calls or is called in, and an operation's share of self time is
    /// its share of that service's, as the bottleneck summary measures it.
    ///
    /// Under each parent span, a call is counted by one shape only, tried in this order: retry
    /// storm, N+1, serial fan-out; chatty services count the calls none of them took (nor their
    /// parents, so a client span and the server span under it are not counted twice).
    public static func find(in timings: SpanTimings, thresholds: AdviceThresholds = AdviceThresholds(),
                            service: String? = nil) -> [Advice] {
        var finder = AdviceFinder(timings: timings, thresholds: thresholds)
        for trace in timings.traceRanges.indices { finder.look(at: trace) }
        var advice = finder.callAdvice()
        if let service { advice = advice.filter { $0.service == service || $0.spanServices.contains(service) } }
        advice += finder.slowOperations(service: service)
        return advice.sorted {
            ($0.estimatedSavingMs, $0.occurrences, $1.description) > ($1.estimatedSavingMs, $1.occurrences, $0.description)
        }
    }
}

/// One pass over the traces of a window, tallying each shape of calls where it is seen.
private struct AdviceFinder {
    /// A shape of calls, the same in every trace it appears in.
    enum Shape: Hashable {
        /// Calls of `callees` (operations) under a span of `caller`.
        case calls(AdviceKind, caller: Int32, callees: [Int32])
        case chatty(from: String, to: String)
    }

    /// What was seen of one shape.
    struct Tally {
        var occurrences = 0
        var calls = 0
        var fewestCalls = Int.max
        var mostCalls = 0
        var saving: Int64 = 0
        var operations: Set<Int32> = []
        var savingByTrace: [Int: Int64] = [:]

        mutating func add(_ spans: [Int], saving: Int64, trace: Int, _ timings: SpanTimings) {
            occurrences += 1
            calls += spans.count
            fewestCalls = min(fewestCalls, spans.count)
            mostCalls = max(mostCalls, spans.count)
            self.saving += saving
            for index in spans { operations.insert(timings.spans[index].operation) }
            savingByTrace[trace, default: 0] += saving
        }

        /// "12", or "5–12" when occurrences differ.
        var callsEach: String { fewestCalls == mostCalls ? "\(mostCalls)" : "\(fewestCalls)–\(mostCalls)" }
    }

    let timings: SpanTimings
    let thresholds: AdviceThresholds
    private var tallies: [Shape: Tally] = [:]
    private var children: [UInt64: [Int]] = [:]
    /// Spans of the current trace already counted by a shape.
    private var claimed: Set<Int> = []

    init(timings: SpanTimings, thresholds: AdviceThresholds) {
        self.timings = timings
        self.thresholds = thresholds
    }

    private var spans: [SpanTiming] { timings.spans }
    private func service(_ index: Int) -> String { timings.operations[Int(spans[index].operation)].service }
    private func name(_ operation: Int32) -> String {
        let (service, name) = timings.operations[Int(operation)]
        return "\(service) \(name)"
    }
    private func duration(_ index: Int) -> Int64 { spans[index].end - spans[index].start }
    private func total(_ indices: [Int]) -> Int64 { indices.reduce(0) { $0 + duration($1) } }

    mutating func look(at trace: Int) {
        let range = timings.traceRanges[trace]
        timings.children(in: range, into: &children)
        claimed.removeAll(keepingCapacity: true)
        let fewest = min(thresholds.retryAttempts, thresholds.nPlusOneCalls, thresholds.serialFanOutCalls)
        for parent in range {
            guard let calls = children[spans[parent].spanID], calls.count >= fewest else { continue }
            let byStart = calls.sorted { (spans[$0].start, spans[$0].end) < (spans[$1].start, spans[$1].end) }
            let byOperation = Dictionary(grouping: byStart) { spans[$0].operation }
            findRetryStorms(under: parent, byOperation, trace: trace)
            findNPlusOne(under: parent, byOperation, trace: trace)
            findSerialFanOut(under: parent, byStart, trace: trace)
        }
        findChattyServices(in: range, trace: trace)
    }

    /// Consecutive attempts of one operation, each starting after the previous one failed.
    private mutating func findRetryStorms(under parent: Int, _ byOperation: [Int32: [Int]], trace: Int) {
        for (operation, attempts) in byOperation where attempts.count >= thresholds.retryAttempts {
            let runs = Self.runs(attempts) { previous, next in spans[previous].error && spans[next].start >= spans[previous].end }
            for run in runs where run.count >= thresholds.retryAttempts {
                let failed = run.filter { spans[$0].error }
                record(.calls(.retryStorm, caller: spans[parent].operation, callees: [operation]), run, saving: total(failed), trace: trace)
            }
        }
    }

    /// Calls of one operation under one parent; one batched call would take about the longest.
    private mutating func findNPlusOne(under parent: Int, _ byOperation: [Int32: [Int]], trace: Int) {
        for (operation, calls) in byOperation {
            let unclaimed = calls.filter { !claimed.contains($0) }
            guard unclaimed.count >= thresholds.nPlusOneCalls else { continue }
            let saving = total(unclaimed) - unclaimed.map(duration).max()!
            record(.calls(.nPlusOne, caller: spans[parent].operation, callees: [operation]), unclaimed, saving: saving, trace: trace)
        }
    }

    /// Calls to other services (or client spans), each starting after the previous ended. Run at
    /// once, they would take as long as the longest operation's calls (repeated calls of one
    /// operation may depend on each other, so they stay in order).
    private mutating func findSerialFanOut(under parent: Int, _ byStart: [Int], trace: Int) {
        let remote = byStart.filter { !claimed.contains($0) && (spans[$0].kind == .client || service($0) != service(parent)) }
        for run in Self.runs(remote, { previous, next in spans[next].start >= spans[previous].end }) {
            let byOperation = Dictionary(grouping: run) { spans[$0].operation }
            guard byOperation.count >= thresholds.serialFanOutCalls else { continue }
            let saving = total(run) - byOperation.values.map(total).max()!
            record(.calls(.serialFanOut, caller: spans[parent].operation, callees: byOperation.keys.sorted()), run,
                   saving: saving, trace: trace)
        }
    }

    /// Short calls from one service to another; batched, the pair pays a call's fixed cost (taken
    /// to be the shortest call) once instead of once per call.
    private mutating func findChattyServices(in range: Range<Int>, trace: Int) {
        let longest = Span.nanoseconds(thresholds.chattyCallDuration)
        var pairs: [Shape: [Int]] = [:]
        for parent in range where !claimed.contains(parent) {
            for call in children[spans[parent].spanID] ?? [] where !claimed.contains(call) && duration(call) <= longest {
                let from = service(parent), to = service(call)
                if from != to { pairs[.chatty(from: from, to: to), default: []].append(call) }
            }
        }
        for (shape, calls) in pairs where calls.count >= thresholds.chattyCalls {
            record(shape, calls, saving: Int64(calls.count - 1) * calls.map(duration).min()!, trace: trace)
        }
    }

    private mutating func record(_ shape: Shape, _ calls: [Int], saving: Int64, trace: Int) {
        tallies[shape, default: Tally()].add(calls, saving: saving, trace: trace, timings)
        claimed.formUnion(calls)
    }

    /// `indices` cut wherever `continues(previous, next)` does not hold.
    private static func runs(_ indices: [Int], _ continues: (Int, Int) -> Bool) -> [[Int]] {
        var runs: [[Int]] = []
        for index in indices {
            if let previous = runs.last?.last, continues(previous, index) {
                runs[runs.count - 1].append(index)
            } else {
                runs.append([index])
            }
        }
        return runs
    }

    /// The tallied shapes of calls that would save time, as advice.
    func callAdvice() -> [Advice] {
        tallies.compactMap { shape, tally in
            guard tally.saving > 0 else { return nil }
            let description: String
            switch shape {
            case .calls(let kind, let callerOperation, let callees):
                let caller = timings.operations[Int(callerOperation)]
                let callerName = name(callerOperation)
                switch kind {
                case .nPlusOne:
                    description = "\(callerName) calls \(name(callees[0])) \(tally.callsEach) times each time it runs: "
                        + "fetch them in one batched call"
                case .retryStorm:
                    description = "\(callerName) tried \(name(callees[0])) \(tally.callsEach) times in a row after failures: "
                        + "fix the failure, or retry fewer times with backoff"
                default:
                    description = "\(callerName) calls \(Self.list(callees.map(name))) one after another: run them concurrently"
                }
                return advice(kind, at: (caller.service, caller.name), tally, description: description)
            case .chatty(let from, let to):
                description = "\(from) calls \(to) \(tally.callsEach) times per trace, each "
                    + "\(DurationText.format(thresholds.chattyCallDuration)) or less: batch the calls or cache the answers"
                return advice(.chattyServices, at: (from, nil), tally, description: description)
            }
        }
    }

    /// Operations holding at least the threshold's share of self time; fixing their slow tail
    /// saves each span's self time above the operation's median.
    func slowOperations(service: String?) -> [Advice] {
        let selfTimes = timings.selfTimes()
        var totals = [Int64](repeating: 0, count: timings.operations.count)
        var counts = [Int](repeating: 0, count: timings.operations.count)
        for (index, span) in spans.enumerated() {
            totals[Int(span.operation)] += selfTimes[index]
            counts[Int(span.operation)] += 1
        }
        let considered = timings.operations.indices.filter { service == nil || timings.operations[$0].service == service }
        let whole = considered.reduce(Int64(0)) { $0 + totals[$1] }
        guard whole > 0 else { return [] }
        let slow = Set(considered.filter {
            counts[$0] >= thresholds.slowOperationSpans && Double(totals[$0]) / Double(whole) >= thresholds.slowOperationShare
        }.map(Int32.init))
        guard !slow.isEmpty else { return [] }
        var members: [Int32: [(index: Int, trace: Int)]] = [:]
        for (trace, range) in timings.traceRanges.enumerated() {
            for index in range where slow.contains(spans[index].operation) { members[spans[index].operation, default: []].append((index, trace)) }
        }
        return members.compactMap { operation, spansOfIt in
            let sorted = spansOfIt.map { Double(selfTimes[$0.index]) }.sorted()
            let median = Summary.percentile(sorted, 0.5)
            var tally = Tally()
            for member in spansOfIt where Double(selfTimes[member.index]) > median {
                tally.add([member.index], saving: Int64((Double(selfTimes[member.index]) - median).rounded()), trace: member.trace, timings)
            }
            guard tally.saving > 0 else { return nil }
            let share = Double(totals[Int(operation)]) / Double(whole)
            let of = service.map { "of \($0)'s self time" } ?? "of all self time"
            let description = "\(name(operation)) holds \(Int((share * 100).rounded()))% \(of) over \(sorted.count) spans "
                + "(self time median \(DurationText.format(median / 1e9)), p95 \(DurationText.format(Summary.percentile(sorted, 0.95) / 1e9))): "
                + "bring its slow calls down to the median (an index, a cache, less work per call)"
            let place = timings.operations[Int(operation)]
            return advice(.slowOperation, at: (place.service, place.name), tally, calls: sorted.count, description: description)
        }
    }

    private func advice(_ kind: AdviceKind, at place: (service: String, operation: String?), _ tally: Tally, calls: Int? = nil,
                        description: String) -> Advice {
        let operations = tally.operations.map { timings.operations[Int($0)] }
        let traces = tally.savingByTrace.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Advice.evidenceTraces)
        return Advice(kind: kind, service: place.service, operation: place.operation,
                      spanNames: Set(operations.map(\.name)).sorted(), spanServices: Set(operations.map(\.service)).sorted(),
                      occurrences: tally.occurrences, calls: calls ?? tally.calls, estimatedSavingMs: Double(tally.saving) / 1e6,
                      traceIDs: traces.map { timings.traceIDs[$0.key] }, description: description)
    }

    /// "a, b and c".
    private static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
