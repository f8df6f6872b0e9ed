import Foundation

extension NotificationChannel.Kind {
    /// The `type:` of the channel in the config file.
    public var typeName: String {
        switch self {
        case .webhook: "webhook"
        case .log: "log"
        case .alertmanager: "alertmanager"
        case .email: "email"
        case .slack: "slack"
        case .pagerduty: "pagerduty"
        }
    }

    /// Where its notifications go, with what is secret in it masked.
    public var maskedTarget: String {
        switch self {
        case .webhook(let url, _, _): SecretMask.url(url)
        case .log(let path): path ?? "stderr"
        case .alertmanager(let urls, _, _): urls.map(SecretMask.url).joined(separator: ", ")
        case .email(let email): "smtp://\(email.host):\(email.port) to \(email.to.joined(separator: ", "))"
        // The whole URL of a Slack webhook is its secret.
        case .slack: "Slack webhook \(SecretMask.mask)"
        case .pagerduty(_, let url, _): "\(SecretMask.url(url)) (routing key \(SecretMask.mask))"
        }
    }
}

/// `alerts channels`: each configured channel and how its deliveries are going, and any channel
/// the outbox still holds notifications for that is no longer configured.
public struct ChannelsReport: Report {
    public struct Channel: Sendable, Encodable {
        public let name: String
        /// nil: no longer in the config (its notifications wait until they expire).
        public let type: String?
        public let target: String?
        public let minSeverity: AlertSeverity?
        public let fallback: String?
        public let fallbackAfter: TimeInterval?
        public let lastSuccess: Date?
        public let lastFailure: Date?
        public let consecutiveFailures: Int
        public let lastError: String?
        public let pending: Int
        public let delivered: Int
        public let failed: Int
        public let expired: Int

        enum CodingKeys: String, CodingKey {
            case name, type, target, minSeverity = "min_severity", fallback, fallbackAfter = "fallback_after_seconds",
                 lastSuccess = "last_success", lastFailure = "last_failure", consecutiveFailures = "consecutive_failures",
                 lastError = "last_error", pending, delivered, failed, expired
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            try container.encode(target, forKey: .target)
            try container.encode(minSeverity, forKey: .minSeverity)
            try container.encode(fallback, forKey: .fallback)
            try container.encode(fallbackAfter, forKey: .fallbackAfter)
            try container.encode(lastSuccess, forKey: .lastSuccess)
            try container.encode(lastFailure, forKey: .lastFailure)
            try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(pending, forKey: .pending)
            try container.encode(delivered, forKey: .delivered)
            try container.encode(failed, forKey: .failed)
            try container.encode(expired, forKey: .expired)
        }
    }

    public let channels: [Channel]

    enum CodingKeys: String, CodingKey { case channels }

    public init(configured: [NotificationChannel], deliveries: [String: ChannelDeliveries]) {
        func entry(_ name: String, _ channel: NotificationChannel?) -> Channel {
            let known = deliveries[name] ?? ChannelDeliveries()
            return Channel(name: name, type: channel?.kind.typeName, target: channel?.kind.maskedTarget, minSeverity: channel?.minSeverity,
                           fallback: channel?.fallback, fallbackAfter: channel?.fallback == nil ? nil : channel?.fallbackAfter,
                           lastSuccess: known.lastSuccess, lastFailure: known.lastFailure, consecutiveFailures: known.consecutiveFailures,
                           lastError: known.lastError, pending: known.pending, delivered: known.totals["delivered"] ?? 0,
                           failed: known.totals["failed"] ?? 0, expired: known.totals["expired"] ?? 0)
        }
        let names = Set(configured.map(\.name))
        channels = configured.map { entry($0.name, $0) }
            + deliveries.filter { !names.contains($0.key) && $0.value.pending > 0 }.keys.sorted().map { entry($0, nil) }
    }

    public func renderText(_ style: TextStyle) -> String {
        guard !channels.isEmpty else {
            return "No notification channels configured: add them under notification_channels in the config ('config init' writes an example)."
        }
        var table = Table([("CHANNEL", .left), ("TYPE", .left), ("TARGET", .left), ("LAST SUCCESS", .left), ("FAILING", .right),
                           ("PENDING", .right), ("FALLBACK", .left)])
        for channel in channels {
            let failing = channel.consecutiveFailures == 0 ? "0" : "\(channel.consecutiveFailures) in a row"
            table.append([
                Table.Cell(channel.name),
                Table.Cell(channel.type ?? "not configured", channel.type == nil ? .yellow : nil),
                Table.Cell(channel.target ?? "-"),
                Table.Cell(channel.lastSuccess.map { TimeText.human($0, utc: style.utc) } ?? "never"),
                Table.Cell(failing, channel.consecutiveFailures > 0 ? .red : nil),
                Table.Cell("\(channel.pending)", channel.pending > 0 ? .yellow : nil),
                Table.Cell(channel.fallback.map { "\($0) after \(DurationText.exact(channel.fallbackAfter ?? 0))" } ?? "-"),
            ])
        }
        var text = table.render(style)
        for channel in channels where channel.consecutiveFailures > 0 {
            text += "\n\(channel.name): \(channel.lastError ?? "failed")"
        }
        return text
    }
}

/// `alerts channels test NAME` (and `alerts test --channel NAME`): one test notification sent to
/// the channel now, past the outbox, and its answer.
public enum ChannelTest {
    /// Sends it; throws a one-line error naming the channel when it is not delivered.
    public static func run(_ name: String, config: Configuration, clock: any WallClock) async throws -> ActionReport {
        guard let channel = config.notificationChannels.first(where: { $0.name == name }) else {
            let names = config.notificationChannels.map(\.name)
            throw BlackholeError(.usage, names.isEmpty ? "no channel \"\(name)\": no notification_channels are configured"
                                 : "no channel \"\(name)\"; channels: \(names.joined(separator: ", "))")
        }
        let started = clock.now()
        let payload = NotificationPlanner.testPayload(channel: name, now: started)
        // PagerDuty opens an incident for the test: it is resolved at once, not left for someone to close.
        var payloads = [payload]
        if case .pagerduty = channel.kind { payloads.append(NotificationPlanner.testPayload(channel: name, now: started, resolved: true)) }
        let error: String? = try await withHTTPClient { http in
            let (sender, timeout) = notificationSenders(config, http: http)[name]!
            do {
                for payload in payloads { try await sender.send(payload, timeout: timeout) }
                return nil
            } catch {
                return BlackholeError.line(error)
            }
        }
        if let error { throw BlackholeError(.environment, "channel \(name): \(error)") }
        let took = DurationText.format(clock.now().timeIntervalSince(started))
        return ActionReport(ok: true, message: "Delivered a test notification to \(name) (\(channel.kind.typeName), \(channel.kind.maskedTarget)) in \(took)"
            + (payloads.count > 1 ? "; its test incident was resolved at once." : "."))
    }
}
