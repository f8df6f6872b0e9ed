import Foundation
import Testing

@Suite struct ConventionsCLITests {
    @Test func versionAndHelp() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("--version").stdout == "0.1.0\n")
        let help = try cli.run("telemetry", "resources", "--help")
        #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains("--db <path>"))
    }

    /// Discussions reflow to the terminal: each paragraph is one line in the source string (the
    /// parser wraps it), lists and examples are indented and keep their lines.
    @Test func helpReflowsToTheTerminalWidth() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let dump = try cli.run("--experimental-dump-help")
        let root = try #require(dump.json["command"] as? [String: Any])
        func visit(_ command: [String: Any], _ path: String) {
            let lines = (command["discussion"] as? String ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !line.hasPrefix(" ") && !next.isEmpty && !next.hasPrefix(" ") {
                Issue.record("\(path): a paragraph is broken by hand before \"\(next.prefix(30))\"")
            }
            for line in lines where line.hasPrefix(" ") && line.count > 80 {
                Issue.record("\(path): an example or list line is wider than 80 columns: \"\(line.prefix(40))...\"")
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                visit(sub, path + " " + (sub["commandName"] as? String ?? "?"))
            }
        }
        visit(root, "blackhole")

        var narrow = cli
        narrow.environment["COLUMNS"] = "80"
        let help = try narrow.run("telemetry", "serve", "--help")
        let long = help.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(long)")
        #expect(help.stdout.contains("Receives OpenTelemetry traces and metrics over OTLP/HTTP"))
    }

    @Test func malformedConfigIsOneLocatedLine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let config = cli.write("c.yaml", "health:\n  check_interval: [1, 2\n")
        expectOneLineError(try cli.run("telemetry", "resources", "--config", config), containing: "\(config):3:1: invalid YAML")
    }

    @Test func wrongTypesAndUnknownKeysAreOneLine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        var cliWithEnv = cli
        cliWithEnv.environment["BLACKHOLE_CONFIG"] = cli.write("c.yaml", "alert_rule: []\nhealth: { check_interval: soon }\n")
        expectOneLineError(try cliWithEnv.run("telemetry", "metrics"),
                           containing: "c.yaml:1:1: unknown key \"alert_rule\"; did you mean \"alert_rules\"? (and 1 more")
        let typed = cli.write("t.yaml", "storage:\n  retention:\n    metrics: 12\n")
        expectOneLineError(try cli.run("telemetry", "prune", "--config", typed),
                           containing: "t.yaml:3:14: storage.retention.metrics: must be a duration")
    }

    @Test func missingOrDirectoryConfigIsNamed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        expectOneLineError(try cli.run("telemetry", "metrics", "--config", cli.path("nope.yaml")), containing: "config file not found")
        expectOneLineError(try cli.run("telemetry", "metrics", "--config", cli.home), containing: "is a directory")
    }

    @Test func invalidTimeArgumentsAreUsageErrors() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("telemetry", "metrics", "--since", "5x")
        expectOneLineError(result, containing: "invalid time \"5x\"")
        #expect(result.status == 64)
        expectOneLineError(try cli.run("telemetry", "metrics", "--labels", "oops"), containing: "--labels: \"oops\" is not key=value")
    }

    @Test func badDatabasePathsAreOneLineAndLeaveNothingBehind() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let folder = cli.path("adir")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        expectOneLineError(try cli.run("telemetry", "resources", "--db", folder), containing: "database \(folder): is a directory")

        let garbage = String(repeating: "garbage!", count: 1000)
        let corrupt = cli.write("corrupt.db", garbage)
        expectOneLineError(try cli.run("telemetry", "metrics", "--db", corrupt), containing: "not a usable SQLite database")
        #expect(try String(contentsOfFile: corrupt, encoding: .utf8) == garbage)

        let file = cli.write("plain", "x")
        expectOneLineError(try cli.run("telemetry", "prune", "--db", file + "/t.db"), containing: "cannot create")

        var viaEnv = cli
        viaEnv.environment["BLACKHOLE_DB"] = "/proc/blackhole-test.db"
        expectOneLineError(try viaEnv.run("telemetry", "resources"), containing: "database /proc/blackhole-test.db: cannot")
    }

    @Test func emptyListsSaySo() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let list = try cli.run("telemetry", "metrics")
        #expect(list.status == 0 && list.stdout.hasPrefix("No series recorded since"))
        let json = try cli.run("telemetry", "metrics", "--json")
        #expect((json.json["series"] as? [Any])?.isEmpty == true)
        let one = try cli.run("telemetry", "metrics", "no.such.metric")
        #expect(one.status == 0 && one.stdout.hasPrefix("No samples of no.such.metric since"))
        let prune = try cli.run("telemetry", "prune", "--dry-run")
        #expect(prune.stdout.contains("Nothing is older than its retention."))
    }

    @Test func pruneRemovesWhatIsOlderThanTheConfiguredRetention() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.run("telemetry", "resources", "-q")
        let config = cli.write("c.yaml", "storage: { retention: { metrics: 1ms } }\n")
        let dry = try cli.run("telemetry", "prune", "--dry-run", "--json", "--config", config)
        let removable = try #require(dry.json["total"] as? Int)
        #expect(removable > 10 && dry.json["dry_run"] as? Bool == true)
        let done = try cli.run("telemetry", "prune", "--json", "--config", config)
        #expect(done.json["total"] as? Int == removable)
        let after = try cli.run("telemetry", "metrics", "--json", "--since", "1d")
        #expect((after.json["series"] as? [Any])?.isEmpty == true)
    }
}

@Suite struct ConfigCLITests {
    @Test func initValidateShowRoundTrip() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let written = try cli.run("config", "init")
        let path = cli.path("config/blackhole/config.yaml")
        #expect(written.status == 0 && written.stdout.contains(path))
        expectOneLineError(try cli.run("config", "init"), containing: "already exists (use --force")
        #expect(try cli.run("config", "init", "--force").status == 0)

        let valid = try cli.run("config", "validate")
        #expect(valid.status == 0 && valid.stdout == "\(path): valid\n")

        let shown = try cli.run("config", "show", "--json")
        #expect(shown.json["source"] as? String == path)
        let config = try #require(shown.json["config"] as? [String: Any])
        #expect((config["alert_rules"] as? [Any])?.count == 6)
        #expect(shown.json["database"] as? String == cli.path("state/blackhole/telemetry.db"))
    }

    @Test func validateListsEveryProblem() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let path = cli.write("bad.yaml", """
            alert_rule: []
            p2p:
              min_connections: lots
            notification_channels:
              - { name: hook, type: webhook, config: { url: "https://h/x?token=abc", timeout: 0s } }
            """)
        let result = try cli.run("config", "validate", "--config", path)
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n") == [
            "\(path):1:1: unknown key \"alert_rule\"; did you mean \"alert_rules\"?",
            "\(path):3:20: p2p.min_connections: must be a whole number",
            "\(path):5:83: notification_channels[0].config.timeout: must be longer than 0s",
            "\(path): 3 problems",
        ])
        let json = try cli.run("config", "validate", "--config", path, "--json")
        #expect(json.status == 1 && json.json["valid"] as? Bool == false && (json.json["problems"] as? [Any])?.count == 3)
    }

    @Test func showMasksSecrets() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let path = cli.write("c.yaml", """
            notification_channels:
              - { name: hook, type: webhook, config: { url: "https://ops:pw@hooks.example/x?token=abc" } }
            """)
        for format in [[], ["--json"]] {
            let shown = try cli.run(["config", "show", "--config", path] + format)
            #expect(shown.status == 0)
            #expect(!shown.stdout.contains("abc") && !shown.stdout.contains(":pw@"))
            #expect(shown.stdout.contains("https://ops:***@hooks.example/x?token=***"))
        }
    }

    @Test func withoutAConfigFileDefaultsRun() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let validate = try cli.run("config", "validate")
        #expect(validate.status == 0 && validate.stdout.hasPrefix("No config file"))
        let shown = try cli.run("config", "show")
        #expect(shown.stdout.hasPrefix("# source: built-in defaults"))
    }
}
