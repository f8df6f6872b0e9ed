import Foundation

/// `tracing.sample_rate`, decided per trace id so that all spans of a trace are kept or dropped
/// together, by every process that sees them.
public struct TraceSampler: Sendable {
    public let rate: Double

    public init(rate: Double) { self.rate = min(1, max(0, rate)) }

    public func keeps(_ traceID: Data) -> Bool {
        keeps(TraceKey(traceID))
    }

    func keeps(_ trace: TraceKey) -> Bool {
        if rate >= 1 { return true }
        if rate <= 0 { return false }
        // W3C trace ids carry their randomness in the rightmost bytes.
        return Double(trace.low) < rate * 18_446_744_073_709_551_616.0
    }

    /// Drops the spans of traces not sampled; returns how many were dropped.
    func apply(to spans: inout [Span]) -> Int {
        guard rate < 1 else { return 0 }
        let before = spans.count
        spans.removeAll { !keeps($0.traceID) }
        return before - spans.count
    }
}

/// What one ingestion did, per file and in total.
public struct IngestReport: Report {
    public struct File: Sendable, Encodable {
        public var path: String
        public var format: IngestFormat?
        public var compressed = false
        public var accepted = 0
        public var rejected = 0
        public var sampledOut = 0
        public var duplicates = 0
        /// Each problem as `PATH:line 4: what`; capped, with `problemCount` the true number.
        public var problems: [String] = []
        public var problemCount = 0

        enum CodingKeys: String, CodingKey {
            case path, format, compressed, accepted = "spans_accepted", rejected = "spans_rejected", sampledOut = "spans_sampled_out"
            case duplicates = "spans_duplicate", problems, problemCount = "problem_count"
        }

        static let maxProblems = 20

        mutating func note(_ problem: String, located: Bool = true) {
            problemCount += 1
            if problems.count < Self.maxProblems { problems.append(located ? "\(IngestReport.displayName(path)): \(problem)" : problem) }
        }
    }

    public var files: [File]

    /// How a path is named to a person: `-` is standard input.
    public static func displayName(_ path: String) -> String { path == "-" ? "stdin" : path }
    public var elapsed: TimeInterval

    public var accepted: Int { files.reduce(0) { $0 + $1.accepted } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var problemCount: Int { files.reduce(0) { $0 + $1.problemCount } }
    public var spansPerSecond: Double { elapsed > 0 ? Double(accepted) / elapsed : 0 }

    enum CodingKeys: String, CodingKey {
        case files, accepted = "spans_accepted", rejected = "spans_rejected", sampledOut = "spans_sampled_out"
        case duplicates = "spans_duplicate", problemCount = "problem_count", elapsed = "duration_ms", rate = "spans_per_second"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(files.reduce(0) { $0 + $1.sampledOut }, forKey: .sampledOut)
        try container.encode(files.reduce(0) { $0 + $1.duplicates }, forKey: .duplicates)
        try container.encode(problemCount, forKey: .problemCount)
        try container.encode((elapsed * 1000).rounded(), forKey: .elapsed)
        try container.encode(spansPerSecond.rounded(), forKey: .rate)
    }

    public func renderText(_ style: TextStyle) -> String {
        var lines: [String] = []
        for file in files {
            var parts = ["\(file.accepted) spans stored"]
            if file.duplicates > 0 { parts.append("\(file.duplicates) already stored") }
            if file.sampledOut > 0 { parts.append("\(file.sampledOut) sampled out") }
            if file.rejected > 0 { parts.append(style.paint("\(file.rejected) rejected", .red)) }
            if file.problemCount > file.rejected {
                parts.append(style.paint("\(file.problemCount) problem\(file.problemCount == 1 ? "" : "s")", .red))
            }
            let format = file.format.map { " (\($0.rawValue)\(file.compressed ? ", gzip" : ""))" } ?? ""
            lines.append("\(IngestReport.displayName(file.path))\(format): \(parts.joined(separator: ", "))")
            lines += file.problems.map { "  " + $0 }
            if file.problemCount > file.problems.count { lines.append("  … \(file.problemCount - file.problems.count) more") }
        }
        if files.count > 1 || elapsed >= 1 {
            lines.append("\(accepted) spans in \(DurationText.format(elapsed)) (\(Int(spansPerSecond.rounded())) spans/s)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Progress of a long ingestion, for a progress line.
public struct IngestProgress: Sendable {
    public let path: String
    public let bytesRead: Int
    public let totalBytes: Int?
    public let spans: Int
}

/// Reads OTLP files into a span writer: one thread decodes while the caller's thread writes
/// batches, each batch one transaction. Memory stays bounded: one message being decoded and
/// a few batches in flight.
public struct SpanIngestor: Sendable {
    let writer: any SpanWriter
    let sampler: TraceSampler
    let batchSize: Int

    public init(_ writer: any SpanWriter, sampleRate: Double = 1, batchSize: Int = 5000) {
        self.writer = writer
        sampler = TraceSampler(rate: sampleRate)
        self.batchSize = batchSize
    }

    public func ingest(paths: [String], encoding: IngestEncoding? = nil, clock: any WallClock = SystemClock(),
                       progress: (@Sendable (IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let started = clock.now()
        try writer.prepareForBulkWrites()
        // Every file is opened first: a typo fails the command before anything is written.
        let readers = try paths.map { try SpanFileReader(path: $0, encoding: encoding) }
        var files: [IngestReport.File] = []
        for reader in readers {
            files.append(try ingest(reader, progress: progress))
        }
        return IngestReport(files: files, elapsed: clock.now().timeIntervalSince(started))
    }

    private enum Message: Sendable {
        case spans(SpanBatch, bytesRead: Int)
        case problem(String)
        case rejected(Int)
        case sampledOut(Int)
        case failed(BlackholeError)
        case done(IngestFormat?, compressed: Bool)
    }

    private func ingest(_ reader: SpanFileReader, progress: (@Sendable (IngestProgress) -> Void)?) throws -> IngestReport.File {
        var file = IngestReport.File(path: reader.path)
        let queue = BoundedQueue<Message>(capacity: 4)
        let decoder = Thread { [sampler, batchSize] in
            Self.decode(reader, sampler: sampler, batchSize: batchSize, into: queue)
        }
        decoder.stackSize = 8 << 20
        decoder.start()
        loop: while true {
            switch queue.pop() {
            case .spans(let spans, let bytesRead):
                do {
                    let result = try writer.write(spans)
                    file.accepted += result.stored
                    file.duplicates += result.duplicates
                } catch {
                    // The decoding thread stops at its next push.
                    queue.close()
                    throw error
                }
                progress?(IngestProgress(path: reader.path, bytesRead: bytesRead, totalBytes: reader.totalBytes, spans: file.accepted))
            case .problem(let text): file.note(text)
            case .rejected(let count): file.rejected += count
            case .sampledOut(let count): file.sampledOut += count
            case .failed(let error): file.note(error.message, located: false)
            case .done(let format, let compressed):
                file.format = format
                file.compressed = compressed
                if format == nil && file.problemCount == 0 { file.note("empty: no spans") }
                break loop
            }
        }
        return file
    }

    /// Runs on the decoding thread.
    private static func decode(_ reader: SpanFileReader, sampler: TraceSampler, batchSize: Int, into queue: BoundedQueue<Message>) {
        var batch = SpanBatch()
        func flush() -> Bool {
            guard !batch.isEmpty else { return true }
            defer { batch = SpanBatch() }
            return queue.push(.spans(batch, bytesRead: reader.bytesRead))
        }
        do {
            while let item = try reader.next() {
                switch item {
                case .problem(let location, let message):
                    guard queue.push(.problem("\(location): \(message)")) else { return }
                case .unit(let unit):
                    do {
                        // Straight to stored rows.
                        let outcome = reader.format!.isJSON
                            ? try OTLPJSON.decode(unit.data, sampler: sampler, into: &batch)
                            : try OTLPSpanRows.decode(unit.data, sampler: sampler, into: &batch)
                        if outcome.sampledOut > 0, !queue.push(.sampledOut(outcome.sampledOut)) { return }
                        if outcome.rejected > 0 {
                            guard queue.push(.rejected(outcome.rejected)),
                                  queue.push(.problem("\(unit.location): \(outcome.rejected) spans rejected, first: \(outcome.firstProblem ?? "")"))
                            else { return }
                        }
                        if batch.count >= batchSize, !flush() { return }
                    } catch let error as BlackholeError {
                        guard queue.push(.problem("\(unit.location): \(error.message)")) else { return }
                    }
                }
            }
            _ = flush()
        } catch let error as BlackholeError {
            _ = flush()
            _ = queue.push(.failed(error))
        } catch {
            _ = flush()
            _ = queue.push(.failed(BlackholeError(.environment, "\(reader.path): \(error)")))
        }
        _ = queue.push(.done(reader.format, compressed: reader.compressed))
    }
}

/// A blocking first-in first-out queue with a capacity, between one producer thread and one
/// consumer. `close()` makes further pushes fail, so a producer stops when nobody listens.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func pop() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        condition.broadcast()
        return items.removeFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
