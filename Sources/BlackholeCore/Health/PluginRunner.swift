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

        // Killed with everything it started at once: a probe has no time to spare.
        let run: ChildProcess.BoundedRun
        do {
            run = try await ChildProcess.runBounded(words, timeout: timeout, killGrace: 0)
        } catch {
            return (.answered(.unknown), "cannot run \(program): \(BlackholeError.line(error))")
        }
        let message = run.head.split(separator: "\n").first.map(String.init) ?? ""
        switch run.end {
        case .timedOut: return (.unreachable, "timed out after \(DurationText.format(timeout)); plugin killed")
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
