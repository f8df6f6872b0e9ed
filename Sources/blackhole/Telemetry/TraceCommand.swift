import ArgumentParser
import BlackholeCore

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
