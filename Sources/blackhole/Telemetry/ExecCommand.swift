import ArgumentParser
import BlackholeCore
import Dispatch
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
        let attributes = try KeyValue.parse(attr, option: "--attr")
        let parent = context.environment["TRACEPARENT"].flatMap(TraceParent.init(header:))
        let own = TraceParent(traceID: parent?.traceID ?? Span.newTraceID(), spanID: Span.newSpanID(), flags: parent?.flags ?? 1)
        let environment = context.environment.filter { $0.key != "TRACEPARENT" }.map { "\($0.key)=\($0.value)" }
            + ["TRACEPARENT=\(own.header)"]

        // Ours to forward, not to die of: the child gets default dispositions back when spawned.
        // Ctrl-C and Ctrl-\ at a terminal reach the child already (it is in our foreground
        // process group): passing them on as well would deliver them twice.
        let fromTerminal = isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp()
        let forwarded = [SIGTERM, SIGHUP, SIGUSR1, SIGUSR2] + (fromTerminal ? [] : [SIGINT, SIGQUIT])
        for number in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { signal(number, SIG_IGN) }
        let start = context.clock.now()
        let termination: ChildProcess.Termination
        var spawnError: String?
        do {
            let pid = try ChildProcess.spawn(command, environment: environment)
            let sources = forwarded.map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { kill(pid, number) }
                source.resume()
                return source
            }
            termination = ChildProcess.wait(pid)
            sources.forEach { $0.cancel() }
        } catch {
            spawnError = BlackholeError.line(error)
            termination = .exited(127)
        }
        let end = context.clock.now()

        var spanAttributes: Attributes = attributes.mapValues { .string($0) }
        spanAttributes["process.executable.name"] = .string(command[0])
        spanAttributes["process.command_args"] = .array(command.map { .string($0) })
        let exitCode: Int32
        var status = Span.StatusCode.unset
        var message = ""
        switch termination {
        case .exited(let code):
            exitCode = code
            spanAttributes["process.exit.code"] = .int(Int64(code))
            if code != 0 {
                status = .error
                message = spawnError.map { "cannot run \(command[0]): \($0)" } ?? "exited \(code)"
            }
        case .signalled(let number):
            exitCode = 128 + number
            status = .error
            message = "killed by signal \(number)"
            spanAttributes["process.exit.code"] = .int(Int64(exitCode))
        }
        if let spawnError { FileHandle.standardError.write(Data("blackhole: cannot run \(command[0]): \(spawnError)\n".utf8)) }

        let span = Span(traceID: own.traceID, spanID: own.spanID, parentSpanID: parent?.spanID, name: name, start: start, end: end,
                        statusCode: status, statusMessage: message, attributes: spanAttributes, service: service)
        do {
            let config = try context.loadConfig()
            if TraceSampler(rate: config.tracing.sampleRate).keeps(span.traceID) {
                try SpanStore(try context.openStore(config)).write([span])
            }
            if global.verbose {
                FileHandle.standardError.write(Data("blackhole: span \(span.spanID.hex) of trace \(span.traceID.hex) recorded\n".utf8))
            }
        } catch {
            let reason = BlackholeError.line(error)
            FileHandle.standardError.write(Data("blackhole: exec: span not recorded: \(reason)\n".utf8))
        }
        throw ExitCode(exitCode)
    }
}
