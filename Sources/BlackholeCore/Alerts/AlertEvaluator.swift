import Foundation

/// The alert life cycle, values in and values out (Prometheus's `rules/alerting.go` in spirit):
/// inactive -> pending while the condition holds for less than the rule's `duration` -> firing ->
/// resolved when the condition stops holding or the series goes away.
public enum AlertEvaluator {
    public struct Result: Sendable, Equatable {
        /// Alerts pending or firing after this evaluation.
        public var active: [ActiveAlert]
        public var transitions: [AlertTransition]
    }

    /// - Parameters:
    ///   - latest: the newest sample of every series.
    ///   - staleness: a series whose newest sample is older than this is gone.
    ///   - rootCauses: by service, the unhealthy dependency to name in that service's alerts.
    public static func evaluate(rules: [AlertRule], latest: [Sample], active: [ActiveAlert], now: Date,
                                staleness: TimeInterval, rootCauses: [String: String] = [:]) -> Result {
        var previous = Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0) })
        var next: [ActiveAlert] = []
        var transitions: [AlertTransition] = []
        for rule in rules {
            let present = latest.filter {
                $0.name == rule.metric && SeriesKey($0.name, labels: $0.labels).matches(rule.labels)
                    && now.timeIntervalSince($0.time) <= staleness
            }
            for sample in present where holds(rule.condition, sample.value, rule.threshold) {
                let id = ActiveAlert.fingerprint(ruleID: rule.id, labels: sample.labels)
                var alert = previous.removeValue(forKey: id) ?? ActiveAlert(
                    id: id, ruleID: rule.id, metric: rule.metric, labels: sample.labels, severity: rule.severity,
                    phase: .pending, value: sample.value, activeSince: now, firedAt: nil, lastSeen: now, count: 0,
                    message: "", lastNotifiedAt: nil, acknowledgedAt: nil, escalatedAt: nil)
                alert.value = sample.value
                alert.lastSeen = now
                alert.severity = rule.severity
                alert.message = message(rule, sample, rootCause: sample.labels["service"].flatMap { rootCauses[$0] })
                let fires = alert.phase == .pending && now.timeIntervalSince(alert.activeSince) >= rule.duration
                if fires {
                    alert.phase = .firing
                    alert.firedAt = now
                }
                if alert.phase == .firing { alert.count += 1 }
                // Recorded with this evaluation counted, as the stored alert will be.
                if fires { transitions.append(AlertTransition(kind: .firing, alert: alert, at: now)) }
                next.append(alert)
            }
        }
        // Whatever was active and did not hold this time: resolved if it had fired, forgotten if pending.
        for alert in previous.values.sorted(by: { $0.id < $1.id }) where alert.phase == .firing {
            transitions.append(AlertTransition(kind: .resolved, alert: alert, at: now))
        }
        return Result(active: next, transitions: transitions)
    }

    public static func holds(_ condition: AlertCondition, _ value: Double, _ threshold: Double) -> Bool {
        switch condition {
        case .gt: value > threshold
        case .lt: value < threshold
        case .eq: value == threshold
        case .ne: value != threshold
        }
    }

    static func message(_ rule: AlertRule, _ sample: Sample, rootCause: String?) -> String {
        var text = "\(rule.name): \(SeriesKey(sample.name, labels: sample.labels).text) = \(NumberText.format(sample.value)) "
            + "(\(rule.condition.symbol) \(NumberText.format(rule.threshold)))"
        if let rootCause { text += "; probable root cause: \(rootCause) is unhealthy" }
        return text
    }
}
