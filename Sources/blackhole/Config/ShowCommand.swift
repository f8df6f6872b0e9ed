import ArgumentParser
import BlackholeCore

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the effective configuration, defaults included, secrets masked.",
        discussion: """
            Examples:
              blackhole config show
              blackhole config show --json | jq .config.alert_rules
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        try context.emit(ConfigReport(source: context.configLocation.path, database: context.databasePath(config), config: config))
    }
}
