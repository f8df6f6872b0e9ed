import ArgumentParser

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Write, check and show the configuration file; check the network against it.",
        subcommands: [InitCommand.self, ValidateCommand.self, ShowCommand.self, NetworkCommand.self])
}
