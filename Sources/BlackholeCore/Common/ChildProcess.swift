import Dispatch
import Foundation

/// Starting programs without a shell, the one way the toolkit does it.
public enum ChildProcess {
    /// posix_spawnp with the signal mask cleared and default dispositions: a child started from a
    /// task's thread would otherwise inherit blocked signals (a plugin's own alarm() timeout would
    /// never fire), and one started while we ignore SIGINT would ignore it too.
    ///
    /// - Parameters:
    ///   - output: where stdout and stderr go, with stdin from /dev/null; nil: the child shares ours.
    ///   - environment: `KEY=value` entries; nil: ours.
    public static func spawn(_ arguments: [String], environment: [String]? = nil, output: Int32? = nil) throws -> pid_t {
        guard let program = arguments.first else { throw BlackholeError(.usage, "no program to run") }
        // Inherited from a parent that ignores SIGCHLD, children would be reaped before we could
        // read how they ended.
        signal(SIGCHLD, SIG_DFL)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, output, 2)
        }

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let result = envp.map { posix_spawnp(&pid, program, &actions, &attributes, argv, $0) }
            ?? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard result == 0 else { throw BlackholeError(.environment, String(cString: strerror(result))) }
        return pid
    }

    /// How a waited-for child ended, from waitpid's status.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        public init(status: Int32) {
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
            self = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        }
    }

    /// Waits for `pid` to end, through interruptions by signals.
    public static func wait(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return Termination(status: status)
    }

    /// Runs a program to its end, doing with this process's signals meanwhile what `relay` says.
    /// Throws when the program cannot be started.
    public static func run(_ arguments: [String], environment: [String]? = nil, relay: SignalRelay = .unchanged) throws -> Termination {
        for number in relay.ignored { signal(number, SIG_IGN) }
        let pid = try spawn(arguments, environment: environment)
        let sources = relay.forwarded.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { kill(pid, number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        return wait(pid)
    }

    /// The signals this process stops dying of while a child runs, and those it passes on to the
    /// child. The child itself starts with default dispositions (see `spawn`).
    public struct SignalRelay: Sendable, Equatable {
        public let ignored: [Int32]
        /// A subset of `ignored`: a signal source only sees a signal that does not kill us first.
        public let forwarded: [Int32]

        /// Leaves every disposition as it is.
        public static let unchanged = SignalRelay(ignored: [], forwarded: [])

        /// A program run on the operator's behalf (`telemetry exec`): stopping and the user signals
        /// are its to handle, not ours to die of. Ctrl-C and Ctrl-\ at a terminal reach it already
        /// (it is in our foreground process group): passing them on as well would deliver them twice.
        public static func passingOn(fromTerminal: Bool) -> SignalRelay {
            let handled = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
            let typed = [SIGINT, SIGQUIT]
            return SignalRelay(ignored: handled, forwarded: fromTerminal ? handled.filter { !typed.contains($0) } : handled)
        }
    }
}
