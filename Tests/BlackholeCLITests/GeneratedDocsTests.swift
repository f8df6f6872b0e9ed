import Foundation
import Testing

/// completions/ and man/ are generated from the command definitions and committed; when a
/// command or flag changes without `scripts/generate-docs`, these fail.
@Suite struct GeneratedDocsTests {
    func committed(_ path: String) throws -> String {
        try String(contentsOfFile: CLI.packageRoot + "/" + path, encoding: .utf8)
    }

    @Test(arguments: [("bash", "completions/blackhole.bash"), ("zsh", "completions/_blackhole"), ("fish", "completions/blackhole.fish")])
    func completionsAreCurrent(shell: String, path: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let generated = try cli.run("--generate-completion-script", shell)
        #expect(generated.stdout == (try committed(path)), "\(path) is stale: run scripts/generate-docs")
    }

    @Test func manualPagesAreCurrent() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let help = try cli.run("--experimental-dump-help")
        #expect(help.stdout == (try committed("man/blackhole.help.json")), "man/ is stale: run scripts/generate-docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot + "/man").filter { $0.hasSuffix(".1") }
        for command in ["blackhole", "blackhole.telemetry.resources", "blackhole.telemetry.metrics", "blackhole.telemetry.prune",
                        "blackhole.config.init", "blackhole.config.validate", "blackhole.config.show"] {
            #expect(pages.contains(command + ".1"), "man/\(command).1 is missing")
        }
    }
}
