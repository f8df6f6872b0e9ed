import ArgumentParser
import BlackholeCore
import Foundation

struct RemediateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediate",
        abstract: "Run a service's remediation action now, say what would run, or pause automatic actions.",
        discussion: """
            Without options the action runs now, whatever the service's state (unless another run's action is still running), and is recorded like an automatic one; exit 1 when it fails. --dry-run prints the action and what 'check' would decide now, running nothing. --pause stops automatic actions for --for (default 1h), during maintenance; --resume ends a pause.

            Examples:
              blackhole telemetry remediate storage --dry-run
              blackhole telemetry remediate storage
              blackhole telemetry remediate --pause storage --for 2h
              blackhole telemetry remediate --resume storage
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A service with a remediation in health.services.", valueName: "service"))
    var service: String

    @Flag(help: "Say what would run and what check would decide now; run nothing.")
    var dryRun = false

    @Flag(help: "Stop automatic actions for the service (see --for).")
    var pause = false

    @Option(name: .customLong("for"), help: ArgumentHelp("How long --pause lasts: 30m, 2h, 1d.", valueName: "duration"))
    var pauseFor = "1h"

    @Flag(help: "Let automatic actions run again.")
    var resume = false

    func validate() throws {
        if [dryRun, pause, resume].filter({ $0 }).count > 1 {
            throw ValidationError("--dry-run, --pause and --resume go one at a time")
        }
    }

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        guard let settings = config.health.services.first(where: { $0.name == service }), settings.remediation != nil else {
            let names = config.health.services.filter { $0.remediation != nil }.map(\.name)
            throw BlackholeError(.usage, "no remediation for \"\(service)\"; "
                + (names.isEmpty ? "no service in health.services has a remediation" : "services with one: \(names.joined(separator: ", "))"))
        }
        let store = try context.openStore(config)
        let remediator = Remediator(store: store, clock: context.clock, environment: context.environment)
        let now = context.clock.now()
        if pause || resume {
            let until: Date? = pause ? now.addingTimeInterval(try DurationText.parse(pauseFor)) : nil
            try RemediationStore(store).pause(service, until: until)
            try context.emit(ActionReport(ok: true, message: until.map { "Automatic remediation of \(service) paused until \(TimeText.human($0, utc: context.style.utc))." }
                                          ?? "Automatic remediation of \(service) resumed."))
        } else if dryRun {
            try context.emit(try remediator.plan(settings, config: config))
        } else {
            let status = try HealthStore(store).report(config.health).services.first { $0.name == service }?.status ?? .unknown
            let record = try await remediator.runNow(settings, status: status, reason: "requested from the command line")
            try context.emit(RemediationsReport(since: record.time, remediations: [record], paused: [:]))
            if record.result != .succeeded { throw ExitCode.failure }
        }
    }
}
