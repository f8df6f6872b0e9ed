import Foundation

/// How a failed operation is tried again: up to `attempts` tries in all, with a pause between
/// them that starts at `baseDelay`, grows by `multiplier` after each failure up to `maxDelay`, and
/// is jittered so that many nodes failing at the same moment do not all retry in step.
public struct RetryPolicy: Sendable {
    public enum Jitter: Sendable {
        /// Anywhere from nothing to the whole delay: spreads retries the most, for many senders
        /// sharing one busy receiver.
        case full
        /// Half the delay, plus up to the other half by chance: always a real pause before the
        /// next try, still spread.
        case equal
    }

    public var attempts: Int
    public var baseDelay: TimeInterval
    public var multiplier: Double
    public var maxDelay: TimeInterval
    public var jitter: Jitter
    /// A number in 0..<1 for each delay; a test fixes it.
    let random: @Sendable () -> Double

    public init(attempts: Int, baseDelay: TimeInterval, multiplier: Double = 2, maxDelay: TimeInterval, jitter: Jitter,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.random = random
    }

    /// The pause after the `attempt`-th failed try (the first is 1).
    public func delay(forAttempt attempt: Int) -> TimeInterval {
        let ceiling = min(maxDelay, baseDelay * pow(multiplier, Double(max(0, attempt - 1))))
        switch jitter {
        case .full: return ceiling * random()
        case .equal: return ceiling / 2 + ceiling / 2 * random()
        }
    }

    /// Runs `operation` (given the try's number, from 1) until it succeeds, `attempts` tries have
    /// failed, or `shouldRetry` turns down a failure and the pause that would follow it; then the
    /// last failure is thrown. `sleep` waits out each pause, so a test clock need not wait at all.
    public func run<T, Failure: Error>(
        sleep: (TimeInterval) async -> Void,
        _ operation: (_ attempt: Int) async throws(Failure) -> T,
        shouldRetry: (_ failure: Failure, _ delay: TimeInterval) -> Bool = { _, _ in true }
    ) async throws(Failure) -> T {
        var attempt = 1
        while true {
            do throws(Failure) {
                return try await operation(attempt)
            } catch {
                let pause = delay(forAttempt: attempt)
                guard attempt < attempts, shouldRetry(error, pause) else { throw error }
                await sleep(pause)
                attempt += 1
            }
        }
    }
}
