import ArgumentParser

struct P2PCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p2p",
        abstract: "Peer connectivity: how many peers answer, and how fast.",
        subcommands: [P2PStatusCommand.self, P2PDiscoverCommand.self])
}
