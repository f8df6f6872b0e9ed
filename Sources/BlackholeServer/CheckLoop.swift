import AsyncHTTPClient
import BlackholeCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What `check` runs, every `health.check_interval`, with the same code and database: cron's
/// `check` and serve can run side by side (alert state and the notification outbox are shared,
/// and outbox rows are claimed before they are sent, so nothing is notified twice). Each run's
/// results go out on the stream.
struct CheckLoop: Service {
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let http: LazyHTTPClient
    let diskPaths: [String]
    let events: EventHub
    let status: CheckLoopStatus
    let logger: Logger

    func run() async throws {
        // Its database calls block (a busy cron run can hold the lock for seconds): on threads of
        // its own, the Swift pool's two threads stay free for OTLP requests.
        try await withTaskExecutorPreference(BlockingExecutor.shared) { try await loop() }
    }

    private func loop() async throws {
        let sampler = ResourceSampler(clock: clock)
        let run = CheckRun(config: config, store: store, clock: clock, http: http, sampler: sampler, diskPaths: diskPaths,
                           environment: ProcessInfo.processInfo.environment)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let report = try await run.run()
                publish(report)
                logger.debug("check run done",
                             metadata: ["status": "\(report.status.rawValue)", "duration_ms": "\(Int(report.duration * 1000))"])
                if status.snapshot.lastError != nil { logger.notice("check runs succeed again") }
                status.succeeded(at: clock.now())
            } catch is CancellationError {
                return
            } catch {
                let message = BlackholeError.line(error)
                status.failed(message)
                logger.error("check run failed; next in \(DurationText.format(config.health.checkInterval))",
                             metadata: ["error": "\(message)"])
            }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(config.health.checkInterval))
            }
        }
    }

    private func publish(_ report: CheckReport) {
        events.publish(.healthUpdate, report.health)
        for sample in report.resources.samples { events.publish(.metricUpdate, MetricEvent(sample: sample)) }
        for transition in report.transitions { events.publish(.alert, transition) }
    }
}

/// Runs jobs on Dispatch threads outside the Swift concurrency pool, for work that blocks.
final class BlockingExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingExecutor()
    private let queue = DispatchQueue(label: "blackhole-blocking", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// How serve's own check runs are going, for `/health`.
final class CheckLoopStatus: Sendable {
    struct Snapshot {
        var lastSuccess: Date?
        var lastError: String?
    }

    private let state = Mutex(Snapshot())
    let interval: TimeInterval
    let started: Date

    init(interval: TimeInterval, started: Date) {
        self.interval = interval
        self.started = started
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    func succeeded(at time: Date) { state.withLock { $0 = Snapshot(lastSuccess: time, lastError: nil) } }
    func failed(_ message: String) { state.withLock { $0.lastError = message } }

    /// No run has completed for three intervals (a minute at least): the loop is stuck or failing.
    func isLate(now: Date) -> Bool {
        let allowed = max(3 * interval, 60)
        return now.timeIntervalSince(snapshot.lastSuccess ?? started) > allowed
    }
}
