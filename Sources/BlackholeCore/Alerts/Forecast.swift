import Foundation

/// What a `forecast` rule sees in one series: the trend fitted over its window, extended by its
/// horizon. With a `direction`, the rule holds when the trend is past the threshold that way at
/// the horizon (Prometheus' `predict_linear(...) <= threshold`), already past included. Without
/// one (or with `both`), it holds when the trend, going whichever way it goes, is short of the threshold now and
/// past it at the horizon: a series already past is a threshold rule's business.
public struct Forecast: Sendable, Equatable {
    public let fit: TrendFit
    public let threshold: Double
    public let horizon: TimeInterval
    /// The crossing watched for, `up` or `down`: the rule's, or the trend's own way (nil when the
    /// trend is flat).
    public let direction: TrendDirection?
    /// Whether the direction is the rule's rather than the trend's.
    public let directed: Bool

    public init(fit: TrendFit, threshold: Double, horizon: TimeInterval, direction: TrendDirection?) {
        self.fit = fit
        self.threshold = threshold
        self.horizon = horizon
        directed = direction == .up || direction == .down
        self.direction = directed ? direction : fit.slope < 0 ? .down : fit.slope > 0 ? .up : nil
    }

    /// The rule's forecast for one series' history, or nil when the history is too thin to judge.
    public init?(rule: AlertRule, history: SeriesHistory) {
        guard history.isEnough(minSamples: rule.minSamples),
              let fit = TrendFit.theilSen(history.points, origin: history.now) else { return nil }
        self.init(fit: fit, threshold: rule.threshold, horizon: rule.horizon, direction: rule.direction)
    }

    public var now: Date { fit.origin }
    /// The trend's value now.
    public var current: Double { fit.value(at: now) }
    /// The trend's value at the horizon.
    public var expected: Double { fit.value(at: now + horizon) }

    public var holds: Bool {
        guard direction != nil else { return false }
        return isPast(expected) && (directed || !isPast(current))
    }

    /// When the trend is at the threshold going its way: now when it already is past it; nil
    /// when it is not heading there.
    public var crossing: Date? {
        guard let direction else { return nil }
        if isPast(current) { return now }
        guard (direction == .down) == (fit.slope < 0), fit.slope != 0 else { return nil }
        return fit.time(reaching: threshold)
    }

    func isPast(_ value: Double) -> Bool {
        switch direction {
        case .down: value <= threshold
        case .up: value >= threshold
        case .both, nil: false
        }
    }

    /// `reaches 5 in about 3h10m (trend -1.2/h, now 9.8)`.
    public var summary: String {
        let trend = "trend \(fit.slope >= 0 ? "+" : "")\(NumberText.format(fit.slope * 3600))/h, now \(NumberText.format(current))"
        guard let crossing else { return "does not reach \(NumberText.format(threshold)) (\(trend))" }
        if crossing <= now {
            return "is already \(direction == .down ? "below" : "above") \(NumberText.format(threshold)) (\(trend))"
        }
        return "reaches \(NumberText.format(threshold)) in about \(DurationText.format(crossing.timeIntervalSince(now))) (\(trend))"
    }
}
