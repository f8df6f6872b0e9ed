import ArgumentParser
import BlackholeCore

struct AnalyzeCommand: AsyncParsableCommand {
    private static let adviceThresholds = AdviceThresholds()

    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find slow, failing and stuck traces; show where the time goes and what to change.",
        discussion: """
            Patterns (thresholds from tracing.patterns in the config):
              slow_service_call      a trace longer than the threshold (5s); slow_requests
              p2p_discovery_timeout  a *p2p.discovery* span longer than the threshold (30s)
              cascading_failures     at least threshold (3) error spans in one trace

            Without --pattern, every detector runs and the bottleneck summary follows: per service and \
            operation, count, error rate, p50/p95/p99 and self time (time not spent in children), most \
            self time first, then the critical path of the slowest traces. --summary adds the summary \
            to chosen patterns.

            --advice shows, instead, what to change, with the traces that show it and the time it \
            would save, biggest saving first:
              n_plus_one       \(adviceThresholds.nPlusOneCalls)+ calls of one operation under one parent: batch them
              serial_fan_out   \(adviceThresholds.serialFanOutCalls)+ calls to other services in turn: run them at once
              retry_storm      \(adviceThresholds.retryAttempts)+ tries of one call after failures: fix it, back off
              slow_operation   \(Int((adviceThresholds.slowOperationShare * 100).rounded()))%+ of self time over \(adviceThresholds.slowOperationSpans)+ spans: speed up its slow calls
              chatty_services  \(adviceThresholds.chattyCalls)+ calls of \(DurationText.format(adviceThresholds.chattyCallDuration)) or less between two services in one trace

            Examples:
              blackhole telemetry analyze
              blackhole telemetry analyze --pattern slow_requests --since 15m
              blackhole telemetry analyze --advice --since 6h
              blackhole telemetry analyze --service storage --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A detector to run (repeatable): slow_service_call, p2p_discovery_timeout, cascading_failures.",
                               valueName: "name"))
    var pattern: [String] = []

    @Option(help: ArgumentHelp("Traces starting since: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "1h"

    @Option(help: ArgumentHelp("Only traces this service took part in; the summary shows its operations, the advice what it calls or is called in.",
                               valueName: "service"))
    var service: String?

    @Flag(help: "Add the bottleneck summary to the chosen patterns.")
    var summary = false

    @Flag(help: "Say what to change instead (N+1, serial fan-out, retry storms, slow operations, chatty services).")
    var advice = false

    func run() async throws {
        let context = global.context
        if advice, !pattern.isEmpty || summary {
            throw BlackholeError(.usage, "--advice shows advice instead of findings and the summary: drop --pattern and --summary")
        }
        var patterns: [TracePattern] = []
        for name in pattern {
            let chosen = try TracePattern(named: name)
            if !patterns.contains(chosen) { patterns.append(chosen) }
        }
        let config = try context.loadConfig()
        let from = try context.instant(since)
        let until = context.clock.now()
        let analyzer = TraceAnalyzer(SpanStore(try context.openStore(config, concurrentReads: true)), thresholds: config.tracing.patternThresholds)
        if advice {
            let found = try analyzer.advice(since: from, until: until, service: service)
            try context.emit(TraceAdviceReport(since: from, until: until, traceCount: found.traceCount, advice: found.advice))
            return
        }
        let run = pattern.isEmpty ? TracePattern.allCases : patterns
        // The window's spans are read once, for the summary and the span detectors both.
        // Then the detectors (SQLite's work, mostly) and the summary (blackhole's) run at once.
        let window = pattern.isEmpty || summary ? try analyzer.spans.timings(SpanFilter(since: from, until: until)) : nil
        async let issues = analyzer.detect(run, since: from, until: until, service: service, spans: window)
        let bottlenecks = window.map { timings in
            let found = analyzer.bottlenecks(of: timings, service: service)
            return TraceAnalysisReport.Summary(spanCount: found.spanCount, operations: found.operations, criticalPaths: found.criticalPaths)
        }
        try context.emit(TraceAnalysisReport(since: from, until: until, patterns: run, issues: try await issues, summary: bottlenecks))
    }
}
