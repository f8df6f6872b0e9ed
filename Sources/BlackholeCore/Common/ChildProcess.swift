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
    ///   - ownGroup: the child leads a process group of its own, so that it and whatever it
    ///     starts can be signalled as one (`kill(-pid, ...)`).
    public static func spawn(_ arguments: [String], environment: [String]? = nil, output: Int32? = nil, ownGroup: Bool = false) throws -> pid_t {
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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

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

    /// How a program run with a time limit went.
    public struct BoundedRun: Sendable, Equatable {
        public enum End: Sendable, Equatable {
            case exited(Int32)
            case signalled(Int32)
            /// Its time ran out: its process group was sent SIGTERM, then SIGKILL.
            case timedOut
        }

        public let end: End
        /// The start and the end of what it wrote on stdout and stderr (each at most the limit;
        /// the same text when it wrote less).
        public let head: String
        public let tail: String
        public let duration: TimeInterval
    }

    /// Runs a program in a process group of its own, with stdout and stderr to a file (its own
    /// children cannot keep us waiting for EOF on a pipe), until it exits or `timeout` passes.
    /// At the timeout the whole group gets SIGTERM, and SIGKILL `killGrace` later: nothing it
    /// started is left behind, and it is reaped. Children it leaves running after a normal exit
    /// (a daemon it started) are left alone. Throws when the program cannot be started.
    public static func runBounded(_ arguments: [String], environment: [String]? = nil, timeout: TimeInterval,
                                  killGrace: TimeInterval = 2, outputLimit: Int = 4096) async throws -> BoundedRun {
        let outputPath = NSTemporaryDirectory() + "blackhole-output-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forUpdatingAtPath: outputPath)
        else { throw BlackholeError(.environment, "cannot create a file for the output of \(arguments.first ?? "a program") in \(NSTemporaryDirectory())") }
        defer {
            try? output.close()
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        let started = ContinuousClock.now
        let pid = try spawn(arguments, environment: environment, output: output.fileDescriptor, ownGroup: true)
        func elapsed() -> TimeInterval { (ContinuousClock.now - started).timeInterval }
        var status: Int32 = 0
        var timedOut = false
        while waitpid(pid, &status, WNOHANG) == 0 {
            if elapsed() > timeout {
                kill(-pid, SIGTERM)
                while waitpid(pid, &status, WNOHANG) == 0 && elapsed() < timeout + killGrace {
                    try? await Task.sleep(nanoseconds: 10_000_000)
                }
                // The group, not only the leader: whatever it started, even once it went on SIGTERM.
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                timedOut = true
                break
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        let end: BoundedRun.End
        switch (timedOut, Termination(status: status)) {
        case (true, _): end = .timedOut
        case (false, .exited(let code)): end = .exited(code)
        case (false, .signalled(let signal)): end = .signalled(signal)
        }
        let size = Int((try? output.seekToEnd()) ?? 0)
        try? output.seek(toOffset: 0)
        let head = (try? output.read(upToCount: outputLimit)) ?? Data()
        try? output.seek(toOffset: UInt64(max(0, size - outputLimit)))
        let tail = (try? output.read(upToCount: outputLimit)) ?? Data()
        return BoundedRun(end: end, head: String(decoding: head, as: UTF8.self), tail: String(decoding: tail, as: UTF8.self),
                          duration: elapsed())
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

/// Whether a program can be started as `posix_spawnp` would find it.
enum ProgramLookup {
    /// Why `program` cannot be run (a path that is not an executable file, a name not on PATH), or nil.
    static func problem(_ program: String, environment: [String: String]) -> String? {
        func executable(_ path: String) -> Bool {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
        if program.contains("/") {
            return executable(program) ? nil : "\(program) is not an executable file"
        }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { executable("\($0)/\(program)") }
        return found ? nil : "\(program) is not on PATH (\(path))"
    }
}
