import ArgumentParser
import BlackholeCore

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
