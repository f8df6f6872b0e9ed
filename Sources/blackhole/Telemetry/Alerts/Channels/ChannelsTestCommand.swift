import ArgumentParser
import BlackholeCore

struct AlertsChannelsTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notification to a channel now, past the outbox, and report its answer (exit 1 when it fails).",
        discussion: """
            Examples:
              blackhole telemetry alerts channels test pager
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The channel name from notification_channels.", valueName: "name"))
    var channel: String

    func run() async throws {
        let context = global.context
        try context.emit(try await ChannelTest.run(channel, config: try context.loadConfig(), clock: context.clock))
    }
}
