import ArgumentParser
import BlackholeCore
import Foundation

struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command (no shell) and record it as a span.",
        discussion: """
            The span continues the trace named by the TRACEPARENT environment variable (W3C Trace Context) \
            and is handed to the command as its TRACEPARENT, so nested calls in a script form one trace. \
            A non-zero exit marks the span as an error; process.exit.code records the code. Signals sent \
            to blackhole are passed to the command (Ctrl-C at a terminal reaches it once, directly). \
            Exits with the command's exit code (128+N when it is killed by signal N, 127 when it cannot \
            be started). A span that cannot be recorded is reported on stderr and does not change the exit code.

            Examples:
              blackhole telemetry exec --name backup -- tar czf /tmp/l.tgz /var/lib/l
              export TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
              blackhole telemetry exec --name sync --service storage -- ./sync
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The span's name.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("The span's service.name.", valueName: "service"))
    var service = "blackhole-exec"

    @Option(help: ArgumentHelp("A span attribute (repeatable).", valueName: "k=v"))
    var attr: [String] = []

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after --, e.g. exec --name N -- CMD ARGS") }
        guard !name.isEmpty else { throw ValidationError("--name must not be empty") }
    }

    func run() throws {
        let context = global.context
        let traced = TracedCommand(command, name: name, service: service, attributes: try KeyValue.parse(attr, option: "--attr"))
        let fromTerminal = isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp()
        let outcome = traced.run(environment: context.environment, clock: context.clock, relay: .passingOn(fromTerminal: fromTerminal))
        if let error = outcome.startError {
            FileHandle.standardError.write(Data("blackhole: cannot run \(command[0]): \(error)\n".utf8))
        }
        do {
            let config = try context.loadConfig()
            try outcome.record(in: try context.openStore(config), sampleRate: config.tracing.sampleRate)
            if global.verbose {
                let span = outcome.span
                FileHandle.standardError.write(Data("blackhole: span \(span.spanID.hex) of trace \(span.traceID.hex) recorded\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("blackhole: exec: span not recorded: \(BlackholeError.line(error))\n".utf8))
        }
        throw ExitCode(outcome.exitCode)
    }
}
