import ArgumentParser

struct AlertsChannels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Notification channels: where each sends, how its deliveries are going, a test notification.",
        subcommands: [AlertsChannelsList.self, AlertsChannelsTest.self],
        defaultSubcommand: AlertsChannelsList.self)
}
