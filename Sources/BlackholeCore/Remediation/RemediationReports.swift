import Foundation

/// `telemetry remediations`: the actions run, newest first, with paused services.
public struct RemediationsReport: Report {
    public let since: Date
    public let remediations: [Remediation]
    /// Services whose automatic actions are paused, with when the pause ends.
    public let paused: [String: Date]

    public init(since: Date, remediations: [Remediation], paused: [String: Date]) {
        self.since = since
        self.remediations = remediations
        self.paused = paused
    }

    enum CodingKeys: String, CodingKey { case since, remediations, paused }

    public func renderText(_ style: TextStyle) -> String {
        var sections: [String] = []
        if remediations.isEmpty {
            sections.append("No remediation actions since \(TimeText.human(since, utc: style.utc)).")
        } else {
            var table = Table([("TIME", .left), ("SERVICE", .left), ("TRIGGER", .left), ("RESULT", .left), ("EXIT", .right),
                               ("TOOK", .right), ("BEFORE", .left), ("AFTER", .left), ("REASON", .left)])
            for record in remediations {
                let color: TextStyle.Color? = record.result == .succeeded ? .green : record.result == .running ? nil : .red
                table.append([
                    Table.Cell(TimeText.human(record.time, utc: style.utc)), Table.Cell(record.service), Table.Cell(record.trigger.rawValue),
                    Table.Cell(record.result.rawValue, color), Table.Cell(record.exitStatus.map { "\($0)" } ?? "-"),
                    Table.Cell(record.duration.map(DurationText.format) ?? "-"), Table.Cell(record.healthBefore.rawValue),
                    Table.Cell(record.healthAfter?.rawValue ?? "-", record.healthAfter.map { $0 == .healthy ? .green : .red }),
                    Table.Cell(record.reason),
                ])
            }
            sections.append(table.render(style))
            if let last = remediations.first, !last.output.isEmpty {
                let lines = last.output.trimmed(\.isNewline).split(separator: "\n", omittingEmptySubsequences: false)
                let tail = lines.suffix(5).map { "  " + $0 }.joined(separator: "\n")
                sections.append("Output of the latest (\(last.service), --json has every action's):\n" + tail)
            }
        }
        for (service, until) in paused.sorted(by: { $0.key < $1.key }) {
            sections.append("\(service): automatic remediation paused until \(TimeText.human(until, utc: style.utc)).")
        }
        return sections.joined(separator: "\n\n")
    }
}

/// `telemetry remediate SERVICE --dry-run`: what would run, and whether `check` would run it now.
public struct RemediationPlanReport: Report {
    public let service: String
    public let action: [String]
    public let status: HealthStatus
    public let decision: RemediationDecision.Kind
    public let detail: String

    public init(service: String, action: [String], status: HealthStatus, decision: RemediationDecision.Kind, detail: String) {
        self.service = service
        self.action = action
        self.status = status
        self.decision = decision
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case service, action, status, decision, detail }

    public func renderText(_ style: TextStyle) -> String {
        """
        Would run: \(action.joined(separator: " "))
        \(service) is \(status.rawValue); check would decide: \(decision.rawValue.replacingOccurrences(of: "_", with: " ")) (\(detail)).
        """
    }
}

extension Remediator {
    /// What `check` would decide for the service now, from its recorded health, without acting
    /// or changing anything.
    public func plan(_ service: ServiceSettings, config: Configuration) throws -> RemediationPlanReport {
        let remediation = service.remediation!
        let health = try HealthStore(store).report(config.health)
        let status = health.services.first { $0.name == service.name }?.status ?? .unknown
        let now = clock.now()
        let (kind, detail) = try store.read { db in
            var state = try RemediationStore.state(db, service.name)
            return try Self.decide(remediation, status: status, rootCause: health.rootCauses[service.name], state: &state,
                                   attemptsSince: { try RemediationStore.attempts(db, service.name, since: $0) }, now: now)
        }
        return RemediationPlanReport(service: service.name, action: remediation.action, status: status, decision: kind, detail: detail)
    }
}
