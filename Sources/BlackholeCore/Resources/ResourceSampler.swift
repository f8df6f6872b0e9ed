import Foundation

/// Turns counters into a snapshot. CPU and network rates need two readings: the previous
/// run's (kept in the database) when it is recent, otherwise a second reading a moment later.
public struct ResourceSampler: Sendable {
    public let source: any ResourceSource
    public let clock: any WallClock
    /// A previous reading older than this is too stale to take a rate against.
    public var maxBaselineAge: TimeInterval = 300
    /// The gap between two readings when there is no usable previous one.
    public var shortWindow: TimeInterval = 0.2

    public init(source: any ResourceSource = ProcSource(), clock: any WallClock = SystemClock()) {
        self.source = source
        self.clock = clock
    }

    /// Reads the machine. Returns the snapshot and the counters the next run compares against.
    public func sample(previous: Counters?, diskPaths: [String]) async throws -> (ResourceSnapshot, Counters) {
        var baseline = try source.counters(at: clock.now())
        var current = baseline
        if let previous, isUsable(previous, against: baseline) {
            baseline = previous
        } else {
            await clock.sleep(for: shortWindow)
            try Task.checkCancellation()
            current = try source.counters(at: clock.now())
        }
        let load = try source.loadAverages()
        let memory = try source.memory()
        let disks = try diskPaths.removingDuplicates().map(source.disk)
        let snapshot = ResourceSnapshot(
            time: current.time,
            window: current.time.timeIntervalSince(baseline.time),
            cpu: .init(usagePercent: Self.cpuPercent(from: baseline, to: current),
                       loadAverage1m: load.0, loadAverage5m: load.1, loadAverage15m: load.2),
            memory: .init(totalBytes: memory.total, availableBytes: memory.available),
            disks: disks,
            network: Self.networkRates(from: baseline, to: current))
        return (snapshot, current)
    }

    /// Counters from before a reboot go backwards; counters from the future mean a clock jump.
    func isUsable(_ previous: Counters, against now: Counters) -> Bool {
        let age = now.time.timeIntervalSince(previous.time)
        return age >= shortWindow && age <= maxBaselineAge && previous.cpuTotal < now.cpuTotal && previous.cpuIdle <= now.cpuIdle
    }

    static func cpuPercent(from old: Counters, to new: Counters) -> Double {
        let total = Double(new.cpuTotal &- old.cpuTotal)
        let idle = Double(new.cpuIdle &- old.cpuIdle)
        guard total > 0, new.cpuTotal >= old.cpuTotal, new.cpuIdle >= old.cpuIdle else { return 0 }
        return min(100, max(0, (total - idle) / total * 100))
    }

    static func networkRates(from old: Counters, to new: Counters) -> ResourceSnapshot.Network {
        let seconds = new.time.timeIntervalSince(old.time)
        func rate(_ before: UInt64?, _ after: UInt64) -> Double {
            guard let before, after >= before, seconds > 0 else { return 0 }
            return Double(after - before) / seconds
        }
        let interfaces = new.network.keys.sorted().map { name in
            let after = new.network[name]!
            let before = old.network[name]
            return ResourceSnapshot.InterfaceRate(
                name: name, bytesSentPerSec: rate(before?.sent, after.sent), bytesReceivedPerSec: rate(before?.received, after.received))
        }
        let external = interfaces.filter { $0.name != "lo" }
        return .init(bytesSentPerSec: external.reduce(0) { $0 + $1.bytesSentPerSec },
                     bytesReceivedPerSec: external.reduce(0) { $0 + $1.bytesReceivedPerSec },
                     interfaces: interfaces)
    }
}

/// One `resources` run against the store: sample against the stored counters, record, keep the
/// new counters for the next run. `check` and `serve` call the same.
public struct ResourceRecorder: Sendable {
    static let stateName = "resources.counters"

    let sampler: ResourceSampler
    let metrics: MetricStore
    let state: SamplerState

    public init(sampler: ResourceSampler, store: Store) {
        self.sampler = sampler
        metrics = MetricStore(store)
        state = SamplerState(store)
    }

    public func run(diskPaths: [String]) async throws -> ResourceSnapshot {
        let previous = try state.load(Counters.self, name: Self.stateName)
        let (snapshot, counters) = try await sampler.sample(previous: previous, diskPaths: diskPaths)
        try metrics.record(snapshot.samples)
        try state.save(counters, name: Self.stateName, time: counters.time)
        return snapshot
    }
}
