import ArgumentParser
import BlackholeCore
import Foundation

struct AlertsAck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a firing alert: no more repeats or escalation; its resolution is still sent.",
        discussion: """
            PagerDuty channels that were told of the alert hear of the acknowledgement at once, through the outbox: if PagerDuty cannot be reached, the next check delivers it.

            Examples:
              blackhole telemetry alerts ack 9f86d081
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The alert id (or its first characters), from 'alerts list'.")
    var alertID: String

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let store = try context.openStore(config)
        let now = context.clock.now()
        var enqueued: [BlackholeCore.Notification] = []
        let alert = try AlertStore(store).acknowledge(alertID, at: now) { alert in
            enqueued = NotificationPlanner.acknowledgement(alert, rules: config.alertRules, channels: config.notificationChannels, now: now)
            return enqueued
        }
        var message = "Acknowledged \(alert.id): \(alert.message)"
        if !enqueued.isEmpty {
            let channels = enqueued.map(\.channel)
            let delivery = try await withHTTPClient { http in
                try await OutboxDelivery(store: store, senders: notificationSenders(config, http: http), clock: context.clock,
                                         maxAge: config.alerting.outboxMaxAge, fallbacks: OutboxDelivery.fallbacks(config.notificationChannels))
                    .deliver(deadline: context.clock.now() + config.alerting.checkBudget)
            }
            let failed = delivery.failed.filter { channels.contains($0.channel) }
            message += failed.isEmpty
                ? " (told \(channels.joined(separator: ", ")))"
                : " (not delivered yet, waiting in the outbox: " + failed.map { "\($0.channel): \($0.error)" }.joined(separator: "; ") + ")"
        }
        try context.emit(ActionReport(ok: true, message: message))
    }
}
