import ArgumentParser
import BlackholeCore
import Foundation
import Logging

/// The options every command takes, defined once.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).", valueName: "path"),
            completion: .file())
    var db: String?

    @Option(help: ArgumentHelp("Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).",
                               valueName: "path"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "No colour, even on a terminal (also NO_COLOR).")
    var noColor = false

    @Flag(help: "Show times in UTC instead of local time.")
    var utc = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors (and --json output).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail.")
    var verbose = false

    @Option(help: ArgumentHelp("Least severe log record written to stderr by serve and its background work.", valueName: "level"))
    var logLevel: Logger.Level = .notice

    @Option(help: ArgumentHelp("Log records as text, or as JSON lines for journald or Loki.", valueName: "format"))
    var logFormat: LogFormat = .text
}

/// What a command runs with: the options, the environment, the clock, the logger, and one way out.
struct CommandContext: Sendable {
    let options: GlobalOptions
    let environment = ProcessInfo.processInfo.environment
    let clock: any WallClock
    /// For long-running work (serve and its loops): records on stderr, as `--log-level` and
    /// `--log-format` say.
    let logger: Logger

    init(options: GlobalOptions, clock: any WallClock = SystemClock()) {
        self.options = options
        self.clock = clock
        logger = options.logFormat.logger(level: options.logLevel, clock: clock)
    }

    var configLocation: ConfigLocation {
        ConfigLocation.resolve(flag: options.config, environment: environment)
    }

    func loadConfig() throws -> Configuration {
        try ConfigLoader.load(configLocation, environment: environment)
    }

    func databasePath(_ config: Configuration) -> String {
        Paths.database(flag: options.db, environment: environment, config: config)
    }

    func openStore(_ config: Configuration, concurrentReads: Bool = false) throws -> Store {
        try Store(path: databasePath(config), concurrentReads: concurrentReads)
    }

    var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    var style: TextStyle {
        let colorAllowed = !options.noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        return TextStyle(color: colorAllowed && isTerminal, utc: options.utc, verbose: options.verbose)
    }

    func emit(_ report: some Report) throws {
        if options.json {
            print(try JSONOutput.encode(report))
        } else if !options.quiet {
            print(report.renderText(style))
        }
    }

    func instant(_ text: String) throws -> Date {
        try TimeText.parseInstant(text, now: clock.now())
    }
}

extension GlobalOptions {
    var context: CommandContext { CommandContext(options: self) }
}

extension CommandContext {
    /// The filesystems `resources` watches: the database's, then the configured ones.
    func diskPaths(_ config: Configuration) -> [String] {
        [(databasePath(config) as NSString).deletingLastPathComponent] + config.resources.diskPaths
    }
}
