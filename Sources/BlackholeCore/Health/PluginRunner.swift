import Foundation

/// Runs a Nagios-style plugin without a shell: exit 0/1/2/3 = healthy/degraded/unhealthy/unknown,
/// the first line of its output is the message, and it is killed when its time is up.
enum PluginRunner {
    static func run(_ commandLine: String, timeout: Double) async -> (ProbeResult.Outcome, String) {
        let words: [String]
        do {
            words = try ShellWords.split(commandLine)
        } catch {
            return (.answered(.unknown), "\(error)")
        }
        guard let program = words.first else { return (.answered(.unknown), "exec: names no program") }

        // Output goes to a file, not a pipe: a plugin's own children cannot keep us waiting for EOF.
        let outputPath = NSTemporaryDirectory() + "blackhole-plugin-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: outputPath)
        else { return (.answered(.unknown), "cannot create a file for the plugin's output") }
        defer {
            try? output.close()
            try? FileManager.default.removeItem(atPath: outputPath)
        }

        let started = ContinuousClock.now
        let pid: pid_t
        do {
            pid = try spawn(program, arguments: words, output: output.fileDescriptor)
        } catch {
            return (.answered(.unknown), "cannot run \(program): \((error as? BlackholeError)?.message ?? "\(error)")")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now - started > .nanoseconds(Int64(timeout * 1e9)) {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)  // reaped: no zombie left behind
                return (.unreachable, "timed out after \(DurationText.format(timeout)); plugin killed")
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        let text = FileManager.default.contents(atPath: outputPath).map { String(decoding: $0.prefix(4096), as: UTF8.self) } ?? ""
        let message = text.split(separator: "\n").first.map(String.init) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        guard status & 0x7f == 0 else { return (.answered(.unknown), "plugin killed by signal \(status & 0x7f)") }
        switch (status >> 8) & 0xff {
        case 0: return (.answered(.healthy), message)
        case 1: return (.answered(.degraded), message)
        case 2: return (.answered(.unhealthy), message)
        case let code: return (.answered(.unknown), message.isEmpty ? "plugin exited \(code)" : message)
        }
    }

    /// posix_spawn with the signal mask cleared and default dispositions: a child started from a
    /// task's thread would otherwise inherit blocked signals, and a plugin's own alarm() timeout
    /// (check_http's) would never fire.
    private static func spawn(_ program: String, arguments: [String], output: Int32) throws -> pid_t {
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
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard result == 0 else { throw BlackholeError(.environment, String(cString: strerror(result))) }
        return pid
    }
}

/// Splits `prog "an arg" 'another' plain` into words the way a shell would quote them,
/// without expanding anything.
enum ShellWords {
    static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw BlackholeError(.config, "exec: unclosed quote in \"\(text)\"") }
        if inWord { words.append(current) }
        return words
    }
}
