import ArgumentParser
import BlackholeCore

struct AlertsTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notification to a channel now and report what happened.",
        discussion: """
            The same as 'alerts channels test NAME'.

            Examples:
              blackhole telemetry alerts test --channel webhook
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The channel name from notification_channels.", valueName: "name"))
    var channel: String

    func run() async throws {
        let context = global.context
        try context.emit(try await ChannelTest.run(channel, config: try context.loadConfig(), clock: context.clock))
    }
}
