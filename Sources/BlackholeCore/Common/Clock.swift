import Foundation

/// Where "now" comes from, and how waiting passes. Everything that depends on the time takes
/// one, so tests can move time forward by hours without sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
    /// Returns after `seconds` (early when the task is cancelled); a test clock moves its time on instead.
    func sleep(for seconds: TimeInterval) async
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for seconds: TimeInterval) async {
        try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}

extension Duration {
    /// The duration in seconds, as the rest of the toolkit counts time.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
