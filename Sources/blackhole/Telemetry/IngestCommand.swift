import ArgumentParser
import BlackholeCore
import Foundation

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import OTLP trace files: JSON lines, one JSON document, or protobuf; gzip too.",
        discussion: """
            Reads what the OpenTelemetry Collector's file exporter writes (one ExportTraceServiceRequest \
            in OTLP/JSON per line, or length-delimited protobuf), a single OTLP/JSON document, or one binary \
            ExportTraceServiceRequest (an OTLP/HTTP body). The format is detected unless --format is given; \
            gzip is recognised by its magic bytes. A malformed line is reported with its number and skipped; \
            the rest is kept. tracing.sample_rate applies, per trace id. Exits 1 when anything was rejected.

            Examples:
              blackhole telemetry ingest spans.jsonl
              zcat spans.jsonl.gz | blackhole telemetry ingest -
              blackhole telemetry ingest --format proto body.bin --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Files to import, or - for standard input.", valueName: "file"), completion: .file())
    var files: [String]

    @Option(help: ArgumentHelp("json (lines or one document) or proto (one message or length-delimited); detected when absent.",
                               valueName: "format"))
    var format: IngestEncoding?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file, or - for standard input") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let ingestor = SpanIngestor(SpanStore(try context.openStore(config)), sampleRate: config.tracing.sampleRate)
        let progress = ProgressLine(enabled: !global.quiet && isatty(STDERR_FILENO) == 1)
        let report: IngestReport
        do {
            report = try ingestor.ingest(paths: files, encoding: format, clock: context.clock) { update in
                progress.show(update)
            }
            progress.clear()
        } catch {
            progress.clear()  // the error gets a line of its own
            throw error
        }
        try context.emit(report)
        if report.rejected > 0 || report.problemCount > 0 { throw ExitCode(1) }
    }
}

extension IngestEncoding: ExpressibleByArgument {}
