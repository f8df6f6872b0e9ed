import ArgumentParser
import BlackholeCore

struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "The node's network for P2P troubleshooting, and what in the config cannot work on it.",
        discussion: """
            Shows the interfaces and their addresses, the default routes and the DNS resolvers in \
            use, read from the system. Then holds the configuration against them: every listen \
            address (p2p.listen_addresses, serve.listen, serve.grpc_listen) is resolved and checked \
            for being a local address and for whether its port is free or held, and by which \
            process; every bootstrap peer (p2p.bootstrap) is resolved (/dnsaddr through DNS TXT \
            records, /dns names through the system's resolver) and the route towards it shown.

            Exits 0 when everything configured can work, 1 when something cannot: a name that does \
            not resolve, an address no interface has, a port held by a program other than \
            blackhole, a peer with no route. Owners of sockets of other users' processes are only \
            visible to root.

            Examples:
              blackhole config network
              sudo blackhole config network          # see which process holds each port
              blackhole config network --json | jq .problems
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("How long each name may take to resolve.", valueName: "duration"))
    var timeout = "5s"

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let limit = try DurationText.parse(timeout)
        let report = await NetworkInspector().inspect(config, snapshot: try SystemNetwork.snapshot(), timeout: limit)
        try context.emit(report)
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}
