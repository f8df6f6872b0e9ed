import Foundation

/// One round of health checks: probe every service at once, apply each result to what was
/// remembered, record the metrics, remember the new states.
public struct HealthMonitor: Sendable {
    let prober: any HealthProbing
    let store: HealthStore
    let metrics: MetricStore
    let clock: any WallClock

    public init(prober: any HealthProbing, store: Store, clock: any WallClock) {
        self.prober = prober
        self.store = HealthStore(store)
        metrics = MetricStore(store)
        self.clock = clock
    }

    public func run(_ settings: HealthSettings) async throws -> HealthReport {
        let previous = try store.states()
        let results = await withTaskGroup(of: (String, ProbeResult).self) { group in
            for service in settings.services {
                group.addTask { (service.name, await prober.probe(service)) }
            }
            return await group.reduce(into: [String: ProbeResult]()) { $0[$1.0] = $1.1 }
        }
        let now = clock.now()
        let states = settings.services.map { service in
            ServiceState.next(after: previous[service.name], service: service.name, result: results[service.name]!,
                              at: now, unhealthyTimeout: settings.unhealthyTimeout)
        }
        try store.replace(with: states)
        try metrics.record(states.flatMap { state -> [Sample] in
            let criticality = settings.services.first { $0.name == state.service }!.criticality.rawValue
            let labels = ["service": state.service, "criticality": criticality]
            return [Sample("service.health.status", state.status.metricValue, labels: labels, time: now),
                    Sample("service.response_time", state.responseTime * 1000, labels: labels, time: now)]
        })
        return HealthReport(services: settings.services, states: Dictionary(uniqueKeysWithValues: states.map { ($0.service, $0) }))
    }

    /// The last recorded state, without probing.
    public func recorded(_ settings: HealthSettings) throws -> HealthReport {
        try store.report(settings)
    }
}
