import ArgumentParser
import BlackholeCore

struct AlertsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Alerts firing and pending, with since, count, severity and labels.",
        discussion: """
            Examples:
              blackhole telemetry alerts
              blackhole telemetry alerts list --json | jq '.alerts[].id'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let store = try context.openStore(try context.loadConfig())
        let alerts = AlertStore(store), now = context.clock.now()
        try context.emit(AlertListReport(alerts: try alerts.active(), silences: try alerts.silences(at: now),
                                         pausedRemediations: try RemediationStore(store).paused(at: now)))
    }
}
