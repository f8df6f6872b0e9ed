import ArgumentParser
import BlackholeCore

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
