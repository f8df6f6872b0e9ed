import Foundation

/// A straight line through a series' samples, fitted by Theil–Sen: the slope is the median of
/// the slopes between every pair of samples, the level the median of what each sample says it
/// is at `origin`. Up to 29% of the samples can be wild (a glitch reading 0, a log file written
/// and deleted) before the line follows them; least squares follows a single one.
public struct TrendFit: Sendable, Equatable {
    /// Change per second.
    public let slope: Double
    /// The fitted value at `origin`.
    public let level: Double
    public let origin: Date

    /// The most samples fitted: beyond it, evenly spaced ones stand for the rest, so a fit costs
    /// at most about 20,000 pair slopes whatever the window and the sampling rate.
    static let maximumSamples = 200

    /// The fit of `points` (oldest first), with its level at `origin`; nil unless at least two
    /// samples are at different times.
    public static func theilSen(_ points: [Point], origin: Date) -> TrendFit? {
        let step = max(1, (points.count + maximumSamples - 1) / maximumSamples)
        let used = stride(from: points.count - 1, through: 0, by: -step).map { points[$0] }
        let times = used.map { $0.time.timeIntervalSince(origin) }
        var slopes: [Double] = []
        slopes.reserveCapacity(used.count * (used.count - 1) / 2)
        for i in used.indices {
            for j in used.indices where j > i && times[j] != times[i] {
                slopes.append((used[j].value - used[i].value) / (times[j] - times[i]))
            }
        }
        guard !slopes.isEmpty else { return nil }
        let slope = Summary.median(slopes)
        let levels = used.indices.map { used[$0].value - slope * times[$0] }
        return TrendFit(slope: slope, level: Summary.median(levels), origin: origin)
    }

    public func value(at time: Date) -> Double {
        level + slope * time.timeIntervalSince(origin)
    }

    /// When the line is at `target`: nil when it is flat.
    public func time(reaching target: Double) -> Date? {
        guard slope != 0 else { return nil }
        return origin + (target - level) / slope
    }
}
