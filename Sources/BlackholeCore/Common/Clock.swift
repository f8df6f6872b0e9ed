import Foundation

/// Where "now" comes from. Everything that depends on the time takes one, so tests can
/// move time forward by hours without sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
