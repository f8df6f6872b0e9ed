import ArgumentParser

struct TelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Resources, service health, alerts, metrics, traces and retention of this node.",
        subcommands: [ResourcesCommand.self, CheckCommand.self, HealthCommand.self, MetricsCommand.self,
                      AlertsCommand.self, TracesCommand.self, TraceCommand.self, AnalyzeCommand.self,
                      IngestCommand.self, ExecCommand.self, ServeCommand.self, PruneCommand.self, RemediateCommand.self,
                      RemediationsCommand.self])
}
