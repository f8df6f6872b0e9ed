import Foundation

/// One series' samples over a rule's window, ending now, and whether they are enough to judge:
/// at least the rule's `min_samples`, and spread over at least three quarters of the window (of
/// its twelve equal slices, nine hold a sample), so a new series or one back from a gap is not
/// extrapolated from a corner of the window.
public struct SeriesHistory: Sendable, Equatable {
    public static let slices = 12
    public static let minimumCoverage = 0.75

    /// Oldest first, none older than the window nor newer than now.
    public let points: [Point]
    public let window: TimeInterval
    public let now: Date

    public init(_ points: [Point], window: TimeInterval, now: Date) {
        let start = now - window
        self.points = points.filter { $0.time >= start && $0.time <= now }.sorted { $0.time < $1.time }
        self.window = window
        self.now = now
    }

    /// The share of the window's slices holding at least one sample.
    public var coverage: Double {
        guard window > 0 else { return 0 }
        let start = now - window
        let held = Set(points.map { min(Self.slices - 1, Int($0.time.timeIntervalSince(start) / window * Double(Self.slices))) })
        return Double(held.count) / Double(Self.slices)
    }

    public func isEnough(minSamples: Int) -> Bool {
        points.count >= minSamples && coverage >= Self.minimumCoverage
    }
}
