import ArgumentParser
import BlackholeCore
import Foundation

@main
struct Blackhole: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "blackhole",
        abstract: "Operational telemetry for Blackhole P2P nodes.",
        discussion: """
            Service health, resources, alerts and peer connectivity for one node, kept in one \
            SQLite database.

            Examples:
              blackhole telemetry check        # what is wrong now (cron: every minute)
              blackhole telemetry health       # each service as last checked
              blackhole telemetry alerts       # what is firing, since when
              blackhole telemetry resources    # what the machine is doing now
              blackhole p2p status             # how many peers answer, how fast
              blackhole config network         # the network as the P2P node sees it
              blackhole config init            # write a commented starter config
            """,
        version: version,
        subcommands: [TelemetryCommand.self, P2PCommand.self, ConfigCommand.self])

    /// Every failure becomes one line on stderr and a non-zero exit: no stack traces.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as BlackholeError {
            FileHandle.standardError.write(Data("blackhole: \(error.message)\n".utf8))
            Foundation.exit(error.kind == .usage ? ExitCode.validationFailure.rawValue : ExitCode.failure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
