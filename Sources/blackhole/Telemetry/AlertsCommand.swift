import ArgumentParser
import BlackholeCore
import Foundation

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Firing and pending alerts, their history, rules, silences and acknowledgements.",
        subcommands: [AlertsList.self, AlertsHistory.self, AlertsRules.self, AlertsSilence.self, AlertsUnsilence.self,
                      AlertsAck.self, AlertsTest.self],
        defaultSubcommand: AlertsList.self)
}

struct AlertsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Alerts firing and pending, with since, count, severity and labels.",
        discussion: """
            Examples:
              blackhole telemetry alerts
              blackhole telemetry alerts list --json | jq '.alerts[].id'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        try context.emit(AlertListReport(alerts: try alerts.active(), silences: try alerts.silences(at: context.clock.now())))
    }
}

struct AlertsHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What fired, resolved, escalated or was acknowledged, oldest first.",
        discussion: """
            Examples:
              blackhole telemetry alerts history
              blackhole telemetry alerts history --since 7d --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Start: 30s, 5m, 1h, 2d or an RFC 3339 time.", valueName: "time"))
    var since = "24h"

    func run() async throws {
        let context = global.context
        let from = try context.instant(since)
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        try context.emit(AlertHistoryReport(since: from, events: try alerts.history(since: from)))
    }
}

struct AlertsRules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Each alert rule with its current state per series.",
        discussion: """
            Examples:
              blackhole telemetry alerts rules
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let store = try context.openStore(config)
        let latest = try MetricStore(store).latest(names: Set(config.alertRules.map(\.metric)))
        try context.emit(AlertRulesReport(rules: config.alertRules, latest: latest, active: try AlertStore(store).active(),
                                          now: context.clock.now(), staleness: config.alerting.staleness))
    }
}

struct AlertsSilence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute one rule's notifications for a while (alerts still fire and are listed).",
        discussion: """
            Examples:
              blackhole telemetry alerts silence --rule high_cpu_usage --for 2h
              blackhole telemetry alerts silence --rule service_down \\
                --labels service=identity --for 30m --comment deploy
              blackhole telemetry alerts silence --list
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The rule id to silence.", valueName: "id"))
    var rule: String?

    @Option(help: ArgumentHelp("Only its alerts with these labels (k=v, comma-separated or repeated).", valueName: "k=v"))
    var labels: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 2h, 1d.", valueName: "duration"))
    var duration: String?

    @Option(help: "Why, for whoever looks next.")
    var comment: String?

    @Flag(help: "List the active silences instead.")
    var list = false

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let alerts = AlertStore(try context.openStore(config))
        let now = context.clock.now()
        guard !list else {
            try context.emit(SilenceReport(silences: try alerts.silences(at: now), created: false))
            return
        }
        guard let rule, let duration, let comment else {
            throw ValidationError("silence needs --rule, --for and --comment (or --list)")
        }
        guard config.alertRules.contains(where: { $0.id == rule }) else {
            throw BlackholeError(.usage, "no rule \"\(rule)\"; rules: \(config.alertRules.map(\.id).joined(separator: ", "))")
        }
        let length = try DurationText.parse(duration)
        let silence = Silence(id: String(UUID().uuidString.lowercased().prefix(8)), ruleID: rule,
                              labels: try KeyValue.parse(labels, option: "--labels"), startsAt: now, endsAt: now + length, comment: comment)
        try alerts.add(silence)
        try context.emit(SilenceReport(silences: [silence], created: true))
    }
}

struct AlertsUnsilence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsilence",
        abstract: "End a silence now, by its id or every silence of a rule.",
        discussion: """
            Examples:
              blackhole telemetry alerts unsilence 3f2a9c1e
              blackhole telemetry alerts unsilence --rule high_cpu_usage
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The silence id (or its first characters).")
    var id: String?

    @Option(help: ArgumentHelp("End every silence of this rule.", valueName: "id"))
    var rule: String?

    func run() async throws {
        guard id != nil || rule != nil else { throw ValidationError("give a silence id or --rule") }
        let context = global.context
        let alerts = AlertStore(try context.openStore(try context.loadConfig()))
        let ended = try alerts.endSilences(id: id, ruleID: rule, at: context.clock.now())
        guard ended > 0 else { throw BlackholeError(.usage, "no active silence matches") }
        try context.emit(ActionReport(ok: true, message: "Ended \(ended) silence\(ended == 1 ? "" : "s")."))
    }
}

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
            let (sender, timeout) = notificationSenders(config.notificationChannels, http: http)[channel]!
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
