import ArgumentParser
import BlackholeCore
import Foundation

struct TracesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traces",
        abstract: "Stored traces, newest first: root, start, duration, spans, errors, services.",
        discussion: """
            Every condition given must hold. --name matches any span's name (a substring, any case); \
            --attr matches a span or resource attribute, its value compared as text.

            Examples:
              blackhole telemetry traces --since 1h
              blackhole telemetry traces --service storage --min-duration 1s
              blackhole telemetry traces --status error --attr http.route=/api/v1/files
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Traces starting since: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "1h"

    @Option(help: ArgumentHelp("Traces starting before this time.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only traces this service took part in.", valueName: "service"))
    var service: String?

    @Option(help: ArgumentHelp("Only traces with a span whose name contains this.", valueName: "substring"))
    var name: String?

    @Option(help: ArgumentHelp("Only traces lasting at least this long, e.g. 500ms.", valueName: "duration"))
    var minDuration: String?

    @Option(help: ArgumentHelp("Only traces lasting at most this long.", valueName: "duration"))
    var maxDuration: String?

    @Option(help: ArgumentHelp("error: traces with an error span; ok: traces without.", valueName: "status"))
    var status: TraceFilter.Status?

    @Option(help: ArgumentHelp("Only traces with a span or resource attribute of this value (repeatable).", valueName: "k=v"))
    var attr: [String] = []

    @Option(help: "The most traces to list.")
    var limit = 20

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let context = global.context
        var filter = TraceFilter(since: try context.instant(since))
        filter.until = try until.map(context.instant)
        filter.service = service
        filter.name = name
        filter.minDuration = try minDuration.map(DurationText.parse)
        filter.maxDuration = try maxDuration.map(DurationText.parse)
        filter.status = status
        filter.attributes = try KeyValue.parse(attr, option: "--attr").sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        filter.limit = limit
        let spans = SpanStore(try context.openStore(try context.loadConfig()))
        try context.emit(TraceListReport(traces: try spans.traces(filter), since: filter.since, limit: limit))
    }
}

extension TraceFilter.Status: ExpressibleByArgument {}

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "One trace as a span tree with a timing waterfall.",
        discussion: """
            Children sit under their parents, ordered by start; a span whose parent was not received is \
            shown at the top level, marked. -v adds each span's attributes and events.

            Examples:
              blackhole telemetry trace 4bf92f35
              blackhole telemetry trace 4bf92f3577b34da6a3ce929d0e0e4736 -v
              blackhole telemetry trace 4bf92f35 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A trace id, or enough of its first hex digits to name one trace.", valueName: "id"))
    var id: String

    func run() async throws {
        let context = global.context
        let spans = SpanStore(try context.openStore(try context.loadConfig()))
        let summary = try spans.resolveTrace(id)
        try context.emit(TraceDetailReport(trace: summary, spans: try spans.trace(summary.traceID)))
    }
}

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
