import Foundation

/// What an `anomaly` rule sees in one series: its latest level, the median of its newest
/// `recentSamples` samples (so one wild sample never counts), against the normal range of the
/// samples before them in the window: the median give or take `sensitivity` robust standard
/// deviations (1.4826 times the median absolute deviation; when over half the samples are equal,
/// 1.2533 times the mean absolute deviation). A sustained shift shows once most of the newest
/// samples have it, and stands out until it has lasted long enough to widen the range and become
/// the new normal. Nothing else is modelled: no daily or weekly pattern, no trend (a steady
/// climb looks normal as it goes).
public struct Anomaly: Sendable, Equatable {
    public static let recentSamples = 5

    /// The median of the newest samples.
    public let value: Double
    /// The median of the samples before them in the window.
    public let median: Double
    /// One robust standard deviation; 0 for a series that has been constant.
    public let scale: Double
    public let sensitivity: Double
    /// `up`, `down` or (nil too) `both`.
    public let direction: TrendDirection?
    public let window: TimeInterval

    /// The rule's judgement of one series' history, or nil when the history is too thin to judge.
    public init?(rule: AlertRule, history: SeriesHistory) {
        let count = history.points.count
        guard history.isEnough(minSamples: rule.minSamples), count > Self.recentSamples else { return nil }
        let baseline = history.points.prefix(count - Self.recentSamples).map(\.value)
        let median = Summary.median(baseline)
        self.median = median
        let deviations = baseline.map { abs($0 - median) }
        let mad = Summary.median(deviations)
        scale = mad > 0 ? 1.4826 * mad : 1.2533 * deviations.reduce(0, +) / Double(deviations.count)
        value = Summary.median(history.points.suffix(Self.recentSamples).map(\.value))
        sensitivity = rule.sensitivity
        direction = rule.direction
        window = rule.window
    }

    /// How many robust standard deviations the latest level is from the median (infinite off a
    /// constant series).
    public var score: Double {
        let distance = value - median
        if distance == 0 { return 0 }
        return scale > 0 ? distance / scale : distance.sign == .minus ? -.infinity : .infinity
    }

    public var holds: Bool {
        switch direction {
        case .up: score > sensitivity
        case .down: score < -sensitivity
        case .both, nil: abs(score) > sensitivity
        }
    }

    /// `= 93, above its normal range 38 to 62 (6h median 50, 6.2 robust SDs)`.
    public var summary: String {
        let low = NumberText.format(median - sensitivity * scale), high = NumberText.format(median + sensitivity * scale)
        let side = value > median + sensitivity * scale ? "above" : value < median - sensitivity * scale ? "below" : "within"
        let distance = score.isFinite ? String(format: "%.1f", abs(score)) : "∞"
        return "= \(NumberText.format(value)), \(side) its normal range \(low) to \(high) "
            + "(\(DurationText.format(window)) median \(NumberText.format(median)), \(distance) robust SDs)"
    }
}
