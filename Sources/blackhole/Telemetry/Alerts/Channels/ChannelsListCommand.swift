import ArgumentParser
import BlackholeCore

struct AlertsChannelsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Each channel with its type, target (secrets masked), last success, failures in a row, pending notifications and fallback.",
        discussion: """
            A channel the outbox still holds notifications for but the config no longer names is listed as not configured: they wait until alerting.outbox_max_age, then expire.

            Examples:
              blackhole telemetry alerts channels
              blackhole telemetry alerts channels --json
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let deliveries = try AlertStore(try context.openStore(config)).channelDeliveries()
        try context.emit(ChannelsReport(configured: config.notificationChannels, deliveries: deliveries))
    }
}
