import Foundation

/// `p2p discover`: ask every source for peers, probe each peer found, remember them all.
public struct DiscoveryRun: Sendable {
    let store: Store
    let clock: any WallClock
    let prober: PeerProber
    let discovery: PeerDiscovery

    public init(store: Store, clock: any WallClock, prober: PeerProber = PeerProber(), discovery: PeerDiscovery = PeerDiscovery()) {
        self.store = store
        self.clock = clock
        self.prober = prober
        self.discovery = discovery
    }

    public func run(_ settings: P2PSettings, mdns: Bool, timeout: Double, mdnsPort: UInt16 = 5353) async throws -> DiscoveryReport {
        let started = clock.now()
        let traceID = Span.newTraceID(), rootID = Span.newSpanID()
        async let bootstrap = source("bootstrap", traceID: traceID, parent: rootID) {
            var found: [Multiaddr] = []
            for text in settings.bootstrap {
                found += try await discovery.resolve(try Multiaddr(text), timeout: timeout)
            }
            return found
        }
        async let local = mdns ? source("mdns", traceID: traceID, parent: rootID) { try await discovery.mdns(timeout: timeout, port: mdnsPort) } : nil
        let sources = [await bootstrap] + [await local].compactMap { $0 }

        var origin: [String: String] = [:]
        for entry in sources {
            for address in entry.found where origin[address.description] == nil { origin[address.description] = entry.source.name }
        }
        let addresses = sources.flatMap(\.found).removingDuplicates()
        let (results, pings) = await prober.probeAll(addresses, timeout: timeout, traceID: traceID, parent: rootID, clock: clock)
        let ended = clock.now()
        let new = try PeerStore(store).record(results, source: origin, at: ended)
        let duration = ended.timeIntervalSince(started)
        try MetricStore(store).record([
            Sample("p2p.discovery.duration_ms", duration * 1000, time: ended),
            Sample("p2p.discovery.peers_found", Double(results.count), time: ended),
        ])
        let root = Span(traceID: traceID, spanID: rootID, parentSpanID: nil, name: "p2p.discovery", start: started,
                        end: ended, attributes: ["p2p.peers_found": .int(Int64(results.count))])
        try SpanStore(store).write([root] + sources.map(\.span) + pings)
        return DiscoveryReport(
            sources: sources.map(\.source), duration: duration,
            peers: results.map { DiscoveryReport.Peer(probe: $0, source: origin[$0.address] ?? "", isNew: new.contains($0.address)) })
    }

    /// Asks one source, timed, as a `p2p.discovery.NAME` span under the discovery's.
    private func source(_ name: String, traceID: Data, parent: Data, _ find: @Sendable () async throws -> [Multiaddr]) async
        -> (source: DiscoveryReport.Source, found: [Multiaddr], span: Span) {
        let start = clock.now()
        var found: [Multiaddr] = []
        var failure: String?
        do {
            found = try await find()
        } catch {
            failure = BlackholeError.line(error)
        }
        let end = clock.now()
        let span = Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: parent, name: "p2p.discovery.\(name)", start: start,
                        end: end, statusCode: failure == nil ? .unset : .error, statusMessage: failure ?? "",
                        attributes: ["p2p.source": .string(name), "p2p.peers_found": .int(Int64(found.count))])
        return (DiscoveryReport.Source(name: name, found: found.count, duration: end.timeIntervalSince(start), error: failure), found, span)
    }
}

public struct DiscoveryReport: Report {
    public struct Source: Sendable, Encodable {
        public let name: String
        public let found: Int
        public let duration: Double
        public let error: String?

        enum CodingKeys: String, CodingKey { case name, found, duration = "duration_ms", error }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(found, forKey: .found)
            try container.encode((duration * 10_000).rounded() / 10, forKey: .duration)
            try container.encode(error, forKey: .error)
        }
    }

    public struct Peer: Sendable, Encodable {
        public let probe: PeerProbeResult
        public let source: String
        public let isNew: Bool

        enum CodingKeys: String, CodingKey { case source, new }

        public func encode(to encoder: any Encoder) throws {
            try probe.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(isNew, forKey: .new)
        }
    }

    public let sources: [Source]
    public let duration: Double
    public let peers: [Peer]

    enum CodingKeys: String, CodingKey { case sources, duration = "duration_ms", peers }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sources, forKey: .sources)
        try container.encode((duration * 10_000).rounded() / 10, forKey: .duration)
        try container.encode(peers, forKey: .peers)
    }

    public func renderText(_ style: TextStyle) -> String {
        let sourceLines = sources.map { source in
            "\(source.name): \(source.found) found in \(DurationText.format(source.duration))" + (source.error.map { " (\(style.paint($0, .red)))" } ?? "")
        }
        var text = "Discovery took \(DurationText.format(duration)). " + sourceLines.joined(separator: "; ")
        guard !peers.isEmpty else {
            return text + "\nNo peers found. Add p2p.bootstrap addresses, or enable p2p.mdns (--mdns) on a local network."
        }
        var table = Table([("PEER", .left), ("SOURCE", .left), ("SEEN", .left), ("STATE", .left), ("LATENCY", .right), ("DETAIL", .left)])
        for peer in peers {
            table.append([Table.Cell(peer.probe.address), Table.Cell(peer.source), Table.Cell(peer.isNew ? "new" : "known", peer.isNew ? .green : nil),
                          Table.Cell(peer.probe.state.rawValue, peer.probe.reachable ? .green : .red),
                          Table.Cell(peer.probe.latency.map(DurationText.format) ?? "-"), Table.Cell(peer.probe.error ?? "")])
        }
        text += "\n\n" + table.render(style)
        return text
    }
}
