import ArgumentParser
import BlackholeCore

struct AlertsRules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Each alert rule with its current state per series.",
        discussion: """
            Examples:
              blackhole telemetry alerts rules
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let store = try context.openStore(config)
        let latest = try MetricStore(store).latest(names: Set(config.alertRules.map(\.metric)))
        try context.emit(AlertRulesReport(rules: config.alertRules, latest: latest, active: try AlertStore(store).active(),
                                          now: context.clock.now(), staleness: config.alerting.staleness))
    }
}
