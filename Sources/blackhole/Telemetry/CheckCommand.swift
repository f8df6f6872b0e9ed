import ArgumentParser
import BlackholeCore
import Foundation

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "One monitoring run: sample, probe, record, evaluate alerts, notify, prune.",
        discussion: """
            Meant for cron every minute. Exits like a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL, \
            3 UNKNOWN (config unreadable, database unusable). Notifications that cannot be delivered \
            wait in the database and are retried by the next runs; no run takes longer than \
            alerting.check_budget.

            Examples:
              * * * * * blackhole telemetry check -q
              blackhole telemetry check
              blackhole telemetry check --nagios
              blackhole telemetry check --json | jq '.alerts[] | select(.state == "firing")'
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the one-line Nagios plugin output with perfdata.")
    var nagios = false

    func run() async throws {
        let context = global.context
        let report: CheckReport
        do {
            let config = try context.loadConfig()
            let store = try context.openStore(config)
            report = try await withHTTPClient { http in
                try await CheckRun(config: config, store: store, clock: context.clock, http: http,
                                   sampler: ResourceSampler(clock: context.clock), diskPaths: context.diskPaths(config),
                                   environment: context.environment).run()
            }
        } catch {
            // Whatever stops a run is UNKNOWN to a monitoring system, not a generic failure.
            let message = BlackholeError.line(error)
            if nagios { print("BLACKHOLE UNKNOWN - \(message)") }
            FileHandle.standardError.write(Data("blackhole: \(message)\n".utf8))
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        if nagios {
            print(report.nagiosLine)
        } else {
            try context.emit(report)
        }
        if report.status != .ok { throw ExitCode(report.status.exitCode) }
    }
}
