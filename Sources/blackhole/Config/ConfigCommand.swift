import ArgumentParser
import BlackholeCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Write, check and show the configuration file; check the network against it.",
        subcommands: [InitCommand.self, ValidateCommand.self, ShowCommand.self, NetworkCommand.self])
}

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter config (to --config, or ~/.config/blackhole/config.yaml).",
        discussion: """
            Examples:
              blackhole config init
              sudo blackhole config init --config /etc/blackhole/config.yaml
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() async throws {
        let context = global.context
        let path = context.configLocation.writablePath
        try StarterConfig.write(to: path, force: force)
        try context.emit(ConfigWritten(path: path))
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "List every problem in the config file as FILE:LINE:COL: message.",
        discussion: """
            Exits 0 when the file is valid, 1 when it has problems.

            Examples:
              blackhole config validate
              blackhole config validate --config ./staging.yaml
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let location = context.configLocation
        let (_, problems) = try ConfigLoader.check(location)
        let report = ConfigValidation(file: location.path, problems: problems)
        try context.emit(report)
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

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
