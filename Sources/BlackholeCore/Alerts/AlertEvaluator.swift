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
    ///   - history: the samples of the series that history-reading rules (`forecast`, `anomaly`) watch,
    ///     over at least their windows.
    ///   - staleness: a series whose newest sample is older than this is gone.
    ///   - rootCauses: by service, the unhealthy dependency to name in that service's alerts.
    public static func evaluate(rules: [AlertRule], latest: [Sample], history: [SeriesKey: [Point]] = [:], active: [ActiveAlert],
                                now: Date, staleness: TimeInterval, rootCauses: [String: String] = [:]) -> Result {
        var previous = Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0) })
        var next: [ActiveAlert] = []
        var transitions: [AlertTransition] = []
        for rule in rules {
            for finding in findings(rule, latest: latest, history: history, now: now, staleness: staleness) {
                let id = ActiveAlert.fingerprint(ruleID: rule.id, labels: finding.labels)
                var alert = previous.removeValue(forKey: id) ?? ActiveAlert(
                    id: id, ruleID: rule.id, metric: rule.metric, labels: finding.labels, severity: rule.severity,
                    phase: .pending, value: finding.value, activeSince: now, firedAt: nil, lastSeen: now, count: 0,
                    message: "", lastNotifiedAt: nil, acknowledgedAt: nil, escalatedAt: nil)
                alert.value = finding.value
                alert.lastSeen = now
                alert.severity = rule.severity
                alert.message = "\(rule.name): \(SeriesKey(rule.metric, labels: finding.labels).text) \(finding.detail)"
                if let rootCause = finding.labels["service"].flatMap({ rootCauses[$0] }) {
                    alert.message += "; probable root cause: \(rootCause) is unhealthy"
                }
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

    /// A series for which a rule's condition holds: the alert's value, and what the message says
    /// after the series' name.
    struct Finding {
        var labels: [String: String]
        var value: Double
        var detail: String
    }

    /// The present series (newest sample no older than `staleness`) of the rule's metric and
    /// labels for which its condition holds. A `forecast` alert's value is the seconds until the
    /// trend reaches the threshold (0 when it is already past); an `anomaly` alert's, the series' latest level (the
    /// median of its newest samples).
    static func findings(_ rule: AlertRule, latest: [Sample], history: [SeriesKey: [Point]], now: Date,
                         staleness: TimeInterval) -> [Finding] {
        guard rule.condition.readsHistory else {
            return latest.filter {
                $0.name == rule.metric && SeriesKey($0.name, labels: $0.labels).matches(rule.labels)
                    && now.timeIntervalSince($0.time) <= staleness && holds(rule.condition, $0.value, rule.threshold)
            }.map { sample in
                Finding(labels: sample.labels, value: sample.value,
                        detail: "= \(NumberText.format(sample.value)) (\(rule.condition.symbol) \(NumberText.format(rule.threshold)))")
            }
        }
        return history.keys.sorted().compactMap { key in
            guard key.name == rule.metric, key.matches(rule.labels), let points = history[key],
                  let newest = points.last(where: { $0.time <= now }), now.timeIntervalSince(newest.time) <= staleness
            else { return nil }
            let series = SeriesHistory(points, window: rule.window, now: now)
            if rule.condition == .anomaly {
                guard let anomaly = Anomaly(rule: rule, history: series), anomaly.holds else { return nil }
                return Finding(labels: key.labels, value: anomaly.value, detail: anomaly.summary)
            }
            guard let forecast = Forecast(rule: rule, history: series), forecast.holds, let crossing = forecast.crossing
            else { return nil }
            return Finding(labels: key.labels, value: max(0, crossing.timeIntervalSince(now)), detail: forecast.summary)
        }
    }

    /// Whether one value meets a threshold condition; a history-reading one never holds on one value.
    public static func holds(_ condition: AlertCondition, _ value: Double, _ threshold: Double) -> Bool {
        switch condition {
        case .gt: value > threshold
        case .lt: value < threshold
        case .eq: value == threshold
        case .ne: value != threshold
        case .forecast, .anomaly: false
        }
    }
}
