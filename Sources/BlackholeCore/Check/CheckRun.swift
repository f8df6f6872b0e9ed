import AsyncHTTPClient
import Foundation

/// One `telemetry check`: sample resources, probe services, remediate, count trace pattern findings,
/// record, evaluate every rule, deliver notifications, prune. `serve` runs the same on its interval.
public struct CheckRun: Sendable {
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let http: LazyHTTPClient
    let sampler: ResourceSampler
    let diskPaths: [String]
    /// What remediation actions run with.
    let environment: [String: String]

    public init(config: Configuration, store: Store, clock: any WallClock, http: LazyHTTPClient,
                sampler: ResourceSampler, diskPaths: [String], environment: [String: String]) {
        self.config = config
        self.store = store
        self.clock = clock
        self.http = http
        self.sampler = sampler
        self.diskPaths = diskPaths
        self.environment = environment
    }

    public func run() async throws -> CheckReport {
        let started = clock.now()
        let deadline = started + config.alerting.checkBudget
        async let resources = ResourceRecorder(sampler: sampler, store: store).run(diskPaths: diskPaths)
        // P2P only where peers are configured: a node without bootstrap peers has nothing to judge.
        async let p2p: P2PStatusReport? = config.p2p.bootstrap.isEmpty ? nil : P2PMonitor(store: store, clock: clock).run(config.p2p)
        let health = try await HealthMonitor(prober: ServiceProber(http: http), store: store, clock: clock).run(config.health)
        let remediations = try await Remediator(store: store, clock: clock, environment: environment).run(config, health: health)
        let snapshot = try await resources
        let peers = try await p2p
        try TracePatternMonitor(store: store, clock: clock, thresholds: config.tracing.patternThresholds).run()
        let alerts = try AlertCycle(store: store, config: config, clock: clock).run(rootCauses: health.rootCauses)
        let senders = notificationSenders(config, http: http)
        let delivery = try await OutboxDelivery(store: store, senders: senders, clock: clock, maxAge: config.alerting.outboxMaxAge,
                                                fallbacks: OutboxDelivery.fallbacks(config.notificationChannels))
            .deliver(deadline: deadline)
        let pruned = try Pruner(store).prune(retention: config.storage.retention, now: clock.now(), dryRun: false)
        return CheckReport(time: started, duration: clock.now().timeIntervalSince(started), health: health,
                           alerts: alerts.active, resources: snapshot, p2p: peers, notifications: delivery, pruned: pruned.total,
                           transitions: alerts.transitions, remediations: remediations, rules: config.rules)
    }
}
