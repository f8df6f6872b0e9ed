import ArgumentParser
import BlackholeCore

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Service health as last recorded by check or serve (or --probe now).",
        discussion: """
            Each service's status, response time, consecutive errors and last probe; a service whose \
            dependency is unhealthy names it as the probable root cause.

            Examples:
              blackhole telemetry health
              blackhole telemetry health --probe
              blackhole telemetry health --json | jq '.services[] | .status'
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Probe every service now (and record the results) instead of showing the last run's.")
    var probe = false

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let store = try context.openStore(config)
        let report = try await withHTTPClient { http in
            let monitor = HealthMonitor(prober: ServiceProber(http: http), store: store, clock: context.clock)
            return probe ? try await monitor.run(config.health) : try monitor.recorded(config.health)
        }
        try context.emit(report)
    }
}
