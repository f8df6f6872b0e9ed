import ArgumentParser
import BlackholeCore
import Foundation

struct AlertsSilence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute one rule's notifications for a while (alerts still fire and are listed).",
        discussion: """
            Examples:
              blackhole telemetry alerts silence --rule high_cpu_usage --for 2h
              blackhole telemetry alerts silence --rule service_down \\
                --labels service=identity --for 30m --comment deploy
              blackhole telemetry alerts silence --list
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The rule id to silence.", valueName: "id"))
    var rule: String?

    @Option(help: ArgumentHelp("Only its alerts with these labels (k=v, comma-separated or repeated).", valueName: "k=v"))
    var labels: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 2h, 1d.", valueName: "duration"))
    var duration: String?

    @Option(help: "Why, for whoever looks next.")
    var comment: String?

    @Flag(help: "List the active silences instead.")
    var list = false

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let alerts = AlertStore(try context.openStore(config))
        let now = context.clock.now()
        guard !list else {
            try context.emit(SilenceReport(silences: try alerts.silences(at: now), created: false))
            return
        }
        guard let rule, let duration, let comment else {
            throw ValidationError("silence needs --rule, --for and --comment (or --list)")
        }
        guard config.rules.contains(where: { $0.id == rule }) else {
            throw BlackholeError(.usage, "no rule \"\(rule)\"; rules: \(config.rules.map(\.id).joined(separator: ", "))")
        }
        let length = try DurationText.parse(duration)
        let silence = Silence(id: String(UUID().uuidString.lowercased().prefix(8)), ruleID: rule,
                              labels: try KeyValue.parse(labels, option: "--labels"), startsAt: now, endsAt: now + length, comment: comment)
        try alerts.add(silence)
        try context.emit(SilenceReport(silences: [silence], created: true))
    }
}
