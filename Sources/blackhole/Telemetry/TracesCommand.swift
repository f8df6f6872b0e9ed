import ArgumentParser
import BlackholeCore

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
