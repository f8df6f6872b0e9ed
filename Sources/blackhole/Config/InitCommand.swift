import ArgumentParser
import BlackholeCore

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
