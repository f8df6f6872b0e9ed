/// Summary statistics over a set of values, computed once for every report that needs them.
public struct Summary: Codable, Sendable, Equatable {
    public let count: Int
    public let min: Double
    public let avg: Double
    public let max: Double
    public let p95: Double

    /// `nil` for no values: there is no honest minimum of nothing.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        min = sorted.first!
        max = sorted.last!
        avg = sorted.reduce(0, +) / Double(sorted.count)
        p95 = Summary.percentile(sorted, 0.95)
    }

    /// The middle value (the mean of the two middle ones for an even count); 0 for none.
    public static func median(_ values: [Double]) -> Double {
        percentile(values.sorted(), 0.5)
    }

    /// Linear interpolation between closest ranks (NumPy's default), on sorted values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let rank = p * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }
}

public enum Sparkline {
    private static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Values in time order squeezed into at most `width` characters (bucket averages), scaled
    /// to `range` when given (so two sparklines compare), else to their own lowest and highest.
    public static func render(_ values: [Double], width: Int = 40, range: ClosedRange<Double>? = nil) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        let bucketCount = Swift.min(width, values.count)
        let buckets: [Double] = (0..<bucketCount).map { bucket in
            let start = bucket * values.count / bucketCount
            let end = Swift.max(start + 1, (bucket + 1) * values.count / bucketCount)
            let slice = values[start..<end]
            return slice.reduce(0, +) / Double(slice.count)
        }
        let low = range?.lowerBound ?? buckets.min()!, high = range?.upperBound ?? buckets.max()!
        guard high > low else { return String(repeating: bars[3], count: buckets.count) }
        return String(buckets.map { bars[Int(((Swift.min(high, Swift.max(low, $0)) - low) / (high - low) * 7).rounded())] })
    }
}

extension Array where Element: Comparable {
    /// Puts at `rank` the element sorting would put there, none larger before it and none smaller
    /// after it, looking only within `range` (which must hold `rank`): a quickselect around
    /// random pivots, linear time on average. Percentiles of a million durations without sorting them.
    mutating func select(rank: Int, within range: Range<Int>) {
        var low = range.lowerBound, high = range.upperBound - 1
        while low < high {
            let pivot = self[Int.random(in: low...high)]
            var left = low, right = high
            while left <= right {
                while self[left] < pivot { left += 1 }
                while pivot < self[right] { right -= 1 }
                if left <= right {
                    swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            // [low, right] holds none larger than the pivot, [left, high] none smaller, and
            // what lies between equals it.
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return
            }
        }
    }
}
