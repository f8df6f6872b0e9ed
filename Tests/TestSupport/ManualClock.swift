import BlackholeCore
import Foundation

/// A clock that stands still until told otherwise; sleeping on it moves it on at once.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
    }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }

    public func sleep(for seconds: TimeInterval) async { advance(by: seconds) }
}
