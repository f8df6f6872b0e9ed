import ArgumentParser
import BlackholeCore

struct AlertsRules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Each alert rule with its current state per series, or the rules for Prometheus.",
        discussion: """
            --format prometheus prints the rules as a Prometheus rule file: one alerting rule per \
            rule, in PromQL over the series that 'telemetry serve' exposes on /metrics, for a fleet's \
            Prometheus that scrapes the nodes. A rule PromQL cannot say is left out and named in a \
            comment with the reason. Check the file with 'promtool check rules FILE'.

            Examples:
              blackhole telemetry alerts rules
              blackhole telemetry alerts rules --format prometheus > blackhole.rules.yml
            """)

    /// What the command prints.
    enum Format: String, CaseIterable {
        case text, prometheus
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("text (each rule's state per series) or prometheus (a rule file).", valueName: "format"),
            completion: .list(Format.allCases.map(\.rawValue)))
    var format = Format.text.rawValue

    func run() async throws {
        let context = global.context
        guard let format = Format(rawValue: format) else {
            throw BlackholeError(.usage, "--format: \"\(format)\" is not one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if format == .prometheus && global.json {
            throw BlackholeError(.usage, "--format prometheus prints a YAML rule file: leave out --json")
        }
        let config = try context.loadConfig()
        let store = try context.openStore(config)
        let metrics = MetricStore(store)
        switch format {
        case .text:
            let latest = try metrics.latest(names: Set(config.rules.map(\.metric)))
            try context.emit(AlertRulesReport(rules: config.rules, latest: latest, active: try AlertStore(store).active(),
                                              now: context.clock.now(), staleness: config.alerting.staleness))
        case .prometheus:
            print(PrometheusRules.file(rules: config.rules, staleness: config.alerting.staleness,
                                       compositeFamilies: PrometheusText.compositeFamilies(try metrics.latest())), terminator: "")
        }
    }
}
