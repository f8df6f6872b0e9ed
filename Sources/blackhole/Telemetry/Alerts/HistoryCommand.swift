import ArgumentParser
import BlackholeCore

struct AlertsHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What fired, resolved, escalated or was acknowledged, oldest first.",
        discussion: """
            Examples:
              blackhole telemetry alerts history
              blackhole telemetry alerts history --since 7d --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Start: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "24h"

    func run() async throws {
        let context = global.context
        let from = try context.instant(since)
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        try context.emit(AlertHistoryReport(since: from, events: try alerts.history(since: from)))
    }
}
