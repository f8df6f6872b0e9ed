import ArgumentParser
import BlackholeCore

struct AlertsUnsilence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsilence",
        abstract: "End a silence now, by its id or every silence of a rule.",
        discussion: """
            Examples:
              blackhole telemetry alerts unsilence 3f2a9c1e
              blackhole telemetry alerts unsilence --rule high_cpu_usage
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The silence id (or its first characters).")
    var id: String?

    @Option(help: ArgumentHelp("End every silence of this rule.", valueName: "id"))
    var rule: String?

    func run() async throws {
        guard id != nil || rule != nil else { throw ValidationError("give a silence id or --rule") }
        let context = global.context
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        let ended = try alerts.endSilences(id: id, ruleID: rule, at: context.clock.now())
        guard ended > 0 else { throw BlackholeError(.usage, "no active silence matches") }
        try context.emit(ActionReport(ok: true, message: "Ended \(ended) silence\(ended == 1 ? "" : "s")."))
    }
}
