import Foundation

/// P2P health: probe the peers, count the reachable ones, average the
/// latency over a sample of them, and compare with `min_connections` and `max_latency_threshold`.
public struct P2PMonitor: Sendable {
    let prober: PeerProber
    let store: Store
    let clock: any WallClock

    public init(prober: PeerProber = PeerProber(), store: Store, clock: any WallClock) {
        self.prober = prober
        self.store = store
        self.clock = clock
    }

    /// Bootstrap peers, then those recorded by discoveries, then `extra`; each address once.
    public func peers(_ settings: P2PSettings, extra: [String]) throws -> [(address: String, source: String)] {
        var seen = Set<String>()
        let all = settings.bootstrap.map { ($0, "bootstrap") } + (try PeerStore(store).known()).map { ($0, "discovered") }
            + extra.map { ($0, "command line") }
        return all.filter { seen.insert($0.0).inserted }.map { (address: $0.0, source: $0.1) }
    }

    public func run(_ settings: P2PSettings, extra: [String] = [], sample: Int = 5, timeout: Double = 5) async throws -> P2PStatusReport {
        let peers = try peers(settings, extra: extra)
        let addresses = try peers.map { try Multiaddr($0.address) }
        let traceID = Span.newTraceID(), rootID = Span.newSpanID()
        let started = clock.now()
        let (results, pings) = await prober.probeAll(addresses, timeout: timeout, traceID: traceID, parent: rootID, clock: clock)
        let now = clock.now()
        try PeerStore(store).record(results, source: Dictionary(peers.map { ($0.address, $0.source) }, uniquingKeysWith: { a, _ in a }), at: now)
        let report = P2PStatusReport(settings: settings, peers: results, sample: sample, checkedAt: now)
        var samples = [Sample("p2p.peer.connections", Double(report.connectedPeers), time: now)]
        if let latency = report.averageLatency { samples.append(Sample("p2p.latency_ms", latency * 1000, time: now)) }
        try MetricStore(store).record(samples)
        let root = Span(traceID: traceID, spanID: rootID, parentSpanID: nil, name: "p2p.status", start: started, end: clock.now(),
                        statusCode: report.status == .healthy ? .unset : .error, statusMessage: report.reasons.joined(separator: "; "),
                        attributes: ["p2p.connected_peers": .int(Int64(report.connectedPeers)), "p2p.status": .string(report.status.rawValue)])
        try SpanStore(store).write([root] + pings)
        return report
    }
}

public struct P2PStatusReport: Report {
    public let status: HealthStatus
    public let connectedPeers: Int
    public let averageLatency: Double?
    public let networkReachable: Bool
    public let checkedAt: Date
    public let minConnections: Int
    public let maxLatency: Double
    public let peers: [PeerProbeResult]
    public let reasons: [String]

    public init(settings: P2PSettings, peers: [PeerProbeResult], sample: Int, checkedAt: Date) {
        self.peers = peers
        self.checkedAt = checkedAt
        minConnections = settings.minConnections
        maxLatency = settings.maxLatencyThreshold
        let reachable = peers.filter(\.reachable)
        connectedPeers = reachable.count
        networkReachable = !reachable.isEmpty
        let latencies = reachable.prefix(max(1, sample)).compactMap(\.latency)
        averageLatency = latencies.isEmpty ? nil : latencies.reduce(0, +) / Double(latencies.count)
        var reasons: [String] = []
        if reachable.isEmpty { reasons.append(peers.isEmpty ? "no peers known (p2p.bootstrap, discover, or --peer)" : "no peer reachable") }
        if !reachable.isEmpty && reachable.count < settings.minConnections {
            reasons.append("\(reachable.count) of min_connections \(settings.minConnections) peers reachable")
        }
        if let averageLatency, averageLatency > settings.maxLatencyThreshold {
            reasons.append("average latency \(DurationText.format(averageLatency)) over \(DurationText.format(settings.maxLatencyThreshold))")
        }
        self.reasons = reasons
        status = reachable.isEmpty ? .unhealthy : reasons.isEmpty ? .healthy : .degraded
    }

    enum CodingKeys: String, CodingKey {
        case status, connectedPeers = "connected_peers", averageLatency = "average_latency_ms", networkReachable = "network_reachable"
        case checkedAt = "last_checked", minConnections = "min_connections", maxLatency = "max_latency_threshold_ms", peers, reasons
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(connectedPeers, forKey: .connectedPeers)
        try container.encode(averageLatency.map { ($0 * 10_000).rounded() / 10 }, forKey: .averageLatency)
        try container.encode(networkReachable, forKey: .networkReachable)
        try container.encode(checkedAt, forKey: .checkedAt)
        try container.encode(minConnections, forKey: .minConnections)
        try container.encode(maxLatency * 1000, forKey: .maxLatency)
        try container.encode(peers, forKey: .peers)
        try container.encode(reasons, forKey: .reasons)
    }

    public func renderText(_ style: TextStyle) -> String {
        let latency = averageLatency.map { ", average latency \(DurationText.format($0))" } ?? ""
        var text = style.paint("P2P \(status.rawValue)", status.color) + ": \(connectedPeers) peer\(connectedPeers == 1 ? "" : "s") reachable\(latency)"
        if !reasons.isEmpty { text += " (" + reasons.joined(separator: "; ") + ")" }
        guard !peers.isEmpty else { return text }
        var table = Table([("PEER", .left), ("STATE", .left), ("LATENCY", .right), ("SECURITY", .left), ("DETAIL", .left)])
        for peer in peers {
            let color: TextStyle.Color? = peer.reachable ? .green : peer.state == .notProbed ? nil : .red
            table.append([Table.Cell(peer.address), Table.Cell(peer.state.rawValue, color),
                          Table.Cell(peer.latency.map(DurationText.format) ?? "-"),
                          Table.Cell(peer.security.isEmpty ? "-" : peer.security.joined(separator: " ")), Table.Cell(peer.error ?? "")])
        }
        return text + "\n\n" + table.render(style)
    }
}
