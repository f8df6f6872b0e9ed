import ArgumentParser
import BlackholeCore

struct AlertsTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notification to a channel now and report what happened.",
        discussion: """
            Examples:
              blackhole telemetry alerts test --channel webhook
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The channel name from notification_channels.", valueName: "name"))
    var channel: String

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        guard config.notificationChannels.contains(where: { $0.name == channel }) else {
            throw BlackholeError(.usage, "no channel \"\(channel)\"; channels: \(config.notificationChannels.map(\.name).joined(separator: ", "))")
        }
        let payload = NotificationPlanner.testPayload(channel: channel, now: context.clock.now())
        let error: String? = try await withHTTPClient { http in
            let (sender, timeout) = notificationSenders(config, http: http)[channel]!
            do {
                try await sender.send(payload, timeout: timeout)
                return nil
            } catch {
                return BlackholeError.line(error)
            }
        }
        if let error { throw BlackholeError(.environment, "channel \(channel): \(error)") }
        try context.emit(ActionReport(ok: true, message: "Delivered a test notification to \(channel)."))
    }
}
