import ArgumentParser
import BlackholeCore

struct AlertsAck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a firing alert: no more repeats or escalation; its resolution is still sent.",
        discussion: """
            Examples:
              blackhole telemetry alerts ack 9f86d081
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The alert id (or its first characters), from 'alerts list'.")
    var alertID: String

    func run() async throws {
        let context = global.context
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        let alert = try alerts.acknowledge(alertID, at: context.clock.now())
        try context.emit(ActionReport(ok: true, message: "Acknowledged \(alert.id): \(alert.message)"))
    }
}
