import ArgumentParser
import BlackholeCore

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find slow, failing and stuck traces; show where the time goes.",
        discussion: """
            Patterns (thresholds from tracing.patterns in the config):
              slow_service_call      a trace longer than the threshold (5s); slow_requests
              p2p_discovery_timeout  a *p2p.discovery* span longer than the threshold (30s)
              cascading_failures     at least threshold (3) error spans in one trace

            Without --pattern, every detector runs and the bottleneck summary follows: per service and \
            operation, count, error rate, p50/p95/p99 and self time (time not spent in children), most \
            self time first, then the critical path of the slowest traces. --summary adds the summary \
            to chosen patterns.

            Examples:
              blackhole telemetry analyze
              blackhole telemetry analyze --pattern slow_requests --since 15m
              blackhole telemetry analyze --service storage --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A detector to run (repeatable): slow_service_call, p2p_discovery_timeout, cascading_failures.",
                               valueName: "name"))
    var pattern: [String] = []

    @Option(help: ArgumentHelp("Traces starting since: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "1h"

    @Option(help: ArgumentHelp("Only traces this service took part in; the summary shows its operations.", valueName: "service"))
    var service: String?

    @Flag(help: "Add the bottleneck summary to the chosen patterns.")
    var summary = false

    func run() async throws {
        let context = global.context
        var patterns: [TracePattern] = []
        for name in pattern {
            let chosen = try TracePattern(named: name)
            if !patterns.contains(chosen) { patterns.append(chosen) }
        }
        let config = try context.loadConfig()
        let from = try context.instant(since)
        let until = context.clock.now()
        let analyzer = TraceAnalyzer(SpanStore(try context.openStore(config)), thresholds: config.tracing.patternThresholds)
        var bottlenecks: TraceAnalysisReport.Summary?
        if pattern.isEmpty || summary {
            let found = try analyzer.bottlenecks(since: from, until: until, service: service)
            bottlenecks = .init(spanCount: found.spanCount, operations: found.operations, criticalPaths: found.criticalPaths)
        }
        let run = pattern.isEmpty ? TracePattern.allCases : patterns
        try context.emit(TraceAnalysisReport(
            since: from, until: until, patterns: run, issues: try analyzer.detect(run, since: from, until: until, service: service),
            summary: bottlenecks))
    }
}
