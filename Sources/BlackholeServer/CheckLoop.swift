import AsyncHTTPClient
import BlackholeCore
import Foundation
import ServiceLifecycle

/// What `check` runs, every `health.check_interval`, with the same code and database: cron's
/// `check` and serve can run side by side (alert state and the notification outbox are shared,
/// and outbox rows are claimed before they are sent, so nothing is notified twice). Each run's
/// results go out on the stream.
struct CheckLoop: Service {
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let http: HTTPClient
    let diskPaths: [String]
    let events: EventHub
    let log: @Sendable (String) -> Void

    func run() async throws {
        let sampler = ResourceSampler(clock: clock)
        let run = CheckRun(config: config, store: store, clock: clock, http: http, sampler: sampler, diskPaths: diskPaths)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                publish(try await run.run())
            } catch is CancellationError {
                return
            } catch {
                log("check: \((error as? BlackholeError)?.message ?? "\(error)")")
            }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(config.health.checkInterval))
            }
        }
    }

    private func publish(_ report: CheckReport) {
        events.publish(.healthUpdate, report.health)
        for sample in report.resources.samples { events.publish(.metricUpdate, MetricEvent(sample: sample)) }
        for transition in report.transitions { events.publish(.alert, AlertEvent(transition: transition)) }
    }
}
