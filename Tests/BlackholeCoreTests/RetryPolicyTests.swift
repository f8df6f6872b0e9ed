import Foundation
import Testing
@testable import BlackholeCore

@Suite struct RetryPolicyTests {
    struct Failed: Error, Equatable {
        let attempt: Int
    }

    /// Ceilings 0.5, 1, 2, 3, 3, ...
    func policy(_ jitter: RetryPolicy.Jitter, random: Double, attempts: Int = 5) -> RetryPolicy {
        RetryPolicy(attempts: attempts, baseDelay: 0.5, multiplier: 2, maxDelay: 3, jitter: jitter, random: { random })
    }

    @Test func delaysGrowByTheMultiplierUpToTheMaximum() {
        #expect((1...5).map(policy(.full, random: 0.5).delay(forAttempt:)) == [0.25, 0.5, 1, 1.5, 1.5])
        #expect((1...5).map(policy(.equal, random: 0).delay(forAttempt:)) == [0.25, 0.5, 1, 1.5, 1.5])
        let tripling = RetryPolicy(attempts: 3, baseDelay: 1, multiplier: 3, maxDelay: 100, jitter: .equal, random: { 0 })
        #expect((1...4).map(tripling.delay(forAttempt:)) == [0.5, 1.5, 4.5, 13.5])
        #expect(policy(.equal, random: 0).delay(forAttempt: 10_000) == 1.5, "no overflow past the maximum")
    }

    @Test(arguments: [0, 0.25, 0.5, 0.999])
    func jitterStaysWithinItsBounds(_ random: Double) {
        for attempt in 1...6 {
            let ceiling = min(3, 0.5 * pow(2, Double(attempt - 1)))
            let full = policy(.full, random: random).delay(forAttempt: attempt)
            #expect(full >= 0 && full < ceiling && full == ceiling * random)
            let equal = policy(.equal, random: random).delay(forAttempt: attempt)
            #expect(equal >= ceiling / 2 && equal < ceiling)
        }
        #expect(policy(.full, random: 0).delay(forAttempt: 3) == 0, "full jitter may retry at once")
    }

    @Test func runStopsAtTheFirstSuccess() async throws {
        var slept: [TimeInterval] = []
        var tries = 0
        let value = try await policy(.equal, random: 0).run(sleep: { slept.append($0) }) { attempt throws(Failed) in
            tries += 1
            if attempt < 3 { throw Failed(attempt: attempt) }
            return "answered"
        }
        #expect(value == "answered" && tries == 3 && slept == [0.25, 0.5])
    }

    @Test func runGivesUpAfterItsAttemptsWithTheLastFailure() async {
        var slept: [TimeInterval] = []
        await #expect(throws: Failed(attempt: 4)) {
            try await policy(.equal, random: 0, attempts: 4).run(sleep: { slept.append($0) }) { attempt throws(Failed) in
                throw Failed(attempt: attempt)
            }
        }
        #expect(slept == [0.25, 0.5, 1])
    }

    @Test func aFailureOrAPauseTurnedDownEndsTheRun() async {
        var slept: [TimeInterval] = []
        await #expect(throws: Failed(attempt: 1)) {
            try await policy(.equal, random: 0).run(sleep: { slept.append($0) }) { attempt throws(Failed) in
                throw Failed(attempt: attempt)
            } shouldRetry: { failure, _ in failure.attempt != 1 }
        }
        #expect(slept.isEmpty)
        // As a deadline does: no pause longer than what is left.
        await #expect(throws: Failed(attempt: 3)) {
            try await policy(.equal, random: 0).run(sleep: { slept.append($0) }) { attempt throws(Failed) in
                throw Failed(attempt: attempt)
            } shouldRetry: { _, pause in pause < 0.75 }
        }
        #expect(slept == [0.25, 0.5])
    }
}
