import ArgumentParser

struct TelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Resources, metrics and retention of this node's telemetry.",
        subcommands: [ResourcesCommand.self, MetricsCommand.self, PruneCommand.self])
}
