import ArgumentParser
import BlackholeCore
import Foundation

struct ResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "CPU, load, memory, disk and network now; recorded as metrics.",
        discussion: """
            CPU and network rates are measured against the previous recorded sample when it is \
            less than 5 minutes old, otherwise over 200 ms.

            Examples:
              blackhole telemetry resources
              blackhole telemetry resources --watch 2
              blackhole telemetry resources --json --no-record | jq .memory.usage_percent
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Sample again every SECS seconds until Ctrl-C.", valueName: "secs"))
    var watch: Double?

    @Flag(help: "Do not record the samples in the database.")
    var noRecord = false

    func validate() throws {
        if let watch, !(watch >= 0.5 && watch <= 86_400) {
            throw ValidationError("--watch must be between 0.5 and 86400 seconds")
        }
    }

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        let diskPaths = context.diskPaths(config)
        let sampler = ResourceSampler(clock: context.clock)
        let recorder = try noRecord ? nil : ResourceRecorder(sampler: sampler, store: context.openStore(config))

        let once = ResourceSampling(sampler: sampler, recorder: recorder, diskPaths: diskPaths)
        guard let watch else {
            try context.emit(try await once.next(previous: nil).snapshot)
            return
        }
        let display = WatchDisplay(context: context)
        try await SignalStop.run(onStop: display.finish) {
            var previous: Counters?
            while true {
                let (snapshot, counters) = try await once.next(previous: previous)
                previous = counters
                display.show(snapshot)
                try await Task.sleep(nanoseconds: UInt64(watch * 1_000_000_000))
            }
        }
    }
}

/// One sample: recorded through the store (which keeps the baseline), or with `--no-record`
/// against the baseline this process kept in memory.
private struct ResourceSampling: Sendable {
    let sampler: ResourceSampler
    let recorder: ResourceRecorder?
    let diskPaths: [String]

    func next(previous: Counters?) async throws -> (snapshot: ResourceSnapshot, counters: Counters?) {
        if let recorder { return (try await recorder.run(diskPaths: diskPaths), nil) }
        return try await sampler.sample(previous: previous, diskPaths: diskPaths)
    }
}

/// `--watch` output: redrawn in place on a terminal, one line (or one JSON object) per sample otherwise.
private struct WatchDisplay: Sendable {
    let context: CommandContext

    func show(_ snapshot: ResourceSnapshot) {
        if context.options.json {
            print((try? JSONOutput.encode(snapshot, pretty: false)) ?? "{}")
        } else if context.options.quiet {
            return
        } else if context.isTerminal {
            print("\u{1B}[H\u{1B}[2J" + snapshot.renderText(context.style) + "\n\nCtrl-C to stop.")
        } else {
            print(snapshot.renderLine(context.style))
        }
        fflush(nil)
    }

    func finish() {
        if context.isTerminal && !context.options.json { print("") }
    }
}
