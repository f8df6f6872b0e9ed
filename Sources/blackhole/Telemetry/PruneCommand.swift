import ArgumentParser
import BlackholeCore

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete data older than its retention (storage.retention) now.",
        discussion: """
            'check' and 'serve' prune as they go; this is for doing it by hand.

            Examples:
              blackhole telemetry prune --dry-run
              blackhole telemetry prune --json
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Report what would be removed without removing it.")
    var dryRun = false

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let pruner = Pruner(try context.openStore(config))
        try context.emit(try pruner.prune(retention: config.storage.retention, now: context.clock.now(), dryRun: dryRun))
    }
}
