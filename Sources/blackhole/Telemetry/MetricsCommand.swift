import ArgumentParser
import BlackholeCore

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Stored series, or one metric's count, min, avg, max, p95, last and trend.",
        discussion: """
            Examples:
              blackhole telemetry metrics
              blackhole telemetry metrics system.memory.usage_percent --since 6h
              blackhole telemetry metrics system.disk.usage_percent --labels path=/ --json
              blackhole telemetry metrics system.cpu.usage_percent --since 6h --forecast 1d
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Metric name, e.g. system.cpu.usage_percent. Without it, list the series.")
    var name: String?

    @Option(help: ArgumentHelp("Start of the range: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "1h"

    @Option(help: ArgumentHelp("Only series with these labels (k=v, comma-separated or repeated).", valueName: "k=v"))
    var labels: [String] = []

    @Option(help: ArgumentHelp("Extend each series' trend over the range this far ahead (e.g. 24h): the expected value, "
                               + "when it reaches each alert rule's threshold, and a sparkline of both.", valueName: "duration"))
    var forecast: String?

    func run() async throws {
        let context = global.context
        let from = try context.instant(since)
        let filter = try KeyValue.parse(labels, option: "--labels")
        let config = try context.loadConfig()
        let metrics = MetricStore(try context.openStore(config))
        if let forecast {
            guard let name else { throw BlackholeError(.usage, "--forecast needs a metric NAME") }
            let horizon = try DurationText.parse(forecast)
            guard horizon > 0 else { throw BlackholeError(.usage, "--forecast must be longer than 0s") }
            try context.emit(try MetricsQuery.forecast(metrics, name: name, labels: filter, since: from, now: context.clock.now(),
                                                       horizon: horizon, rules: config.rules))
        } else if let name {
            try context.emit(try MetricsQuery.series(metrics, name: name, labels: filter, since: from, until: context.clock.now()))
        } else {
            try context.emit(try MetricsQuery.catalog(metrics, since: from, labels: filter))
        }
    }
}
