import Foundation

/// `telemetry exec`: a program run without a shell and recorded as one span. The span continues
/// the trace named by the `TRACEPARENT` it is started with (W3C Trace Context) and is handed to
/// the program as the program's `TRACEPARENT`, so nested calls in a script form one trace.
public struct TracedCommand: Sendable {
    public let arguments: [String]
    public let name: String
    public let service: String
    public let attributes: [String: String]

    public init(_ arguments: [String], name: String, service: String, attributes: [String: String] = [:]) {
        self.arguments = arguments
        self.name = name
        self.service = service
        self.attributes = attributes
    }

    /// How a run ended.
    public struct Outcome: Sendable {
        public let span: Span
        /// The program's own exit code; 128+N when signal N killed it, 127 when it could not be started.
        public let exitCode: Int32
        /// Why the program could not be started.
        public let startError: String?

        /// Stores the span unless `tracing.sample_rate` drops its trace, as ingestion would.
        public func record(in store: Store, sampleRate: Double) throws {
            if TraceSampler(rate: sampleRate).keeps(span.traceID) { try SpanStore(store).write([span]) }
        }
    }

    var program: String { arguments.first ?? "" }

    /// Runs the program to its end with `environment` (its `TRACEPARENT` replaced by the span's),
    /// timed by `clock`.
    public func run(environment: [String: String], clock: any WallClock, relay: ChildProcess.SignalRelay = .unchanged) -> Outcome {
        let parent = environment["TRACEPARENT"].flatMap(TraceParent.init(header:))
        let own = TraceParent(traceID: parent?.traceID ?? Span.newTraceID(), spanID: Span.newSpanID(), flags: parent?.flags ?? 1)
        let childEnvironment = environment.filter { $0.key != "TRACEPARENT" }.map { "\($0.key)=\($0.value)" }
            + ["TRACEPARENT=\(own.header)"]
        let start = clock.now()
        let termination: ChildProcess.Termination
        var startError: String?
        do {
            termination = try ChildProcess.run(arguments, environment: childEnvironment, relay: relay)
        } catch {
            startError = BlackholeError.line(error)
            termination = .exited(127)
        }
        return outcome(termination, startError: startError, own: own, parent: parent?.spanID, start: start, end: clock.now())
    }

    /// The span and the exit code for how the program ended.
    func outcome(_ termination: ChildProcess.Termination, startError: String?, own: TraceParent, parent: Data?,
                 start: Date, end: Date) -> Outcome {
        let exitCode: Int32
        var status = Span.StatusCode.unset
        var message = ""
        switch termination {
        case .exited(let code):
            exitCode = code
            if code != 0 {
                status = .error
                message = startError.map { "cannot run \(program): \($0)" } ?? "exited \(code)"
            }
        case .signalled(let number):
            exitCode = 128 + number
            status = .error
            message = "killed by signal \(number)"
        }
        var spanAttributes: Attributes = attributes.mapValues { .string($0) }
        spanAttributes["process.executable.name"] = .string(program)
        spanAttributes["process.command_args"] = .array(arguments.map { .string($0) })
        spanAttributes["process.exit.code"] = .int(Int64(exitCode))
        let span = Span(traceID: own.traceID, spanID: own.spanID, parentSpanID: parent, name: name, start: start, end: end,
                        statusCode: status, statusMessage: message, attributes: spanAttributes, service: service)
        return Outcome(span: span, exitCode: exitCode, startError: startError)
    }
}
