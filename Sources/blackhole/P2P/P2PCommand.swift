import ArgumentParser
import BlackholeCore
import Foundation

struct P2PCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p2p",
        abstract: "Peer connectivity: how many peers answer, and how fast.",
        subcommands: [P2PStatusCommand.self, P2PDiscoverCommand.self])
}

struct P2PStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Probe the known peers (TCP connect + multistream-select) and judge connectivity.",
        discussion: """
            Peers: p2p.bootstrap, those recorded by earlier discoveries, and --peer. Unhealthy with no \
            reachable peer, degraded under p2p.min_connections or over p2p.max_latency_threshold. \
            Exits 0 healthy, 1 degraded, 2 unhealthy.

            Examples:
              blackhole p2p status
              blackhole p2p status --peer /ip4/192.0.2.10/tcp/4001/p2p/12D3KooW...
              blackhole p2p status --json | jq .connected_peers
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Also probe this multiaddr (repeatable).", valueName: "multiaddr"))
    var peer: [String] = []

    @Option(help: "Average the latency over up to this many reachable peers.")
    var sample = 5

    @Option(help: ArgumentHelp("Give each peer this long: 500ms, 5s.", valueName: "duration"))
    var timeout = "5s"

    func validate() throws {
        guard sample > 0 else { throw ValidationError("--sample must be at least 1") }
    }

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let probeTimeout = try DurationText.parse(timeout)
        for address in peer { _ = try Multiaddr(address) }
        let store = try context.openStore(config)
        let report = try await P2PMonitor(store: store, clock: context.clock)
            .run(config.p2p, extra: peer, sample: sample, timeout: probeTimeout)
        try context.emit(report)
        switch report.status {
        case .healthy: return
        case .degraded: throw ExitCode(1)
        default: throw ExitCode(2)
        }
    }
}

struct P2PDiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Find peers (bootstrap list, /dnsaddr names, libp2p mDNS), probe and record them.",
        discussion: """
            Every peer found is probed and remembered with first and last seen, so 'p2p status' \
            probes it from then on. mDNS runs when p2p.mdns is true or with --mdns.

            Examples:
              blackhole p2p discover
              blackhole p2p discover --mdns --timeout 5s
              blackhole p2p discover --json | jq '.peers[] | select(.new)'
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also ask the local network (libp2p mDNS), whatever p2p.mdns says.")
    var mdns = false

    @Option(help: ArgumentHelp("How long each source and each probe may take.", valueName: "duration"))
    var timeout = "10s"

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let limit = try DurationText.parse(timeout)
        let report = try await DiscoveryRun(store: try context.openStore(config), clock: context.clock)
            .run(config.p2p, mdns: mdns || config.p2p.mdns, timeout: limit)
        try context.emit(report)
        if report.peers.isEmpty { throw ExitCode(1) }
    }
}
