import ArgumentParser

struct TelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Resources, service health, alerts, metrics and retention of this node.",
        subcommands: [ResourcesCommand.self, CheckCommand.self, HealthCommand.self, MetricsCommand.self,
                      AlertsCommand.self, IngestCommand.self, PruneCommand.self])
}
