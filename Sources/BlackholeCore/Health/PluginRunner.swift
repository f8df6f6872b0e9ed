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
            pid = try ChildProcess.spawn(words, output: output.fileDescriptor)
        } catch {
            return (.answered(.unknown), "cannot run \(program): \(BlackholeError.line(error))")
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
        switch ChildProcess.Termination(status: status) {
        case .signalled(let signal): return (.answered(.unknown), "plugin killed by signal \(signal)")
        case .exited(0): return (.answered(.healthy), message)
        case .exited(1): return (.answered(.degraded), message)
        case .exited(2): return (.answered(.unhealthy), message)
        case .exited(let code): return (.answered(.unknown), message.isEmpty ? "plugin exited \(code)" : message)
        }
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
