import ArgumentParser
import BlackholeCore

struct RemediationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediations",
        abstract: "Remediation actions run, newest first: when, why, how they ended, health before and after the grace.",
        discussion: """
            Each action's output (its last 4 KiB) is in --json. Services whose automatic actions are paused are listed after the table.

            Examples:
              blackhole telemetry remediations
              blackhole telemetry remediations --since 7d --service storage --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Start: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "24h"

    @Option(help: ArgumentHelp("Only this service's actions.", valueName: "name"))
    var service: String?

    func run() async throws {
        let context = global.context
        let from = try context.instant(since)
        let records = RemediationStore(try context.openStore(try context.loadConfig()))
        try context.emit(RemediationsReport(since: from, remediations: try records.records(since: from, service: service),
                                            paused: try records.paused(at: context.clock.now())))
    }
}
