import Foundation
import Testing
import TestSupport

/// `check --nagios` run by the monitoring agents docs/integrations.md shows, as Debian packages
/// them: NRPE (asked by check_nrpe, as Nagios or Icinga 2 ask it) and Monit. Each must pass on
/// blackhole's state and its line unchanged.
@Suite(.serialized) struct MonitoringAgentTests {
    let cli = CLI()

    /// A node whose one critical service has just gone down: degraded until `unhealthy_timeout`,
    /// so `check` says WARNING, exit 1.
    func nodeConfig() -> String {
        cli.write("agent/config.yaml", """
            health:
              services:
                storage: { health_endpoint: "http://127.0.0.1:1/health", criticality_level: critical, timeout: 1s }
            """)
    }

    /// A folder the agent's own user (NRPE runs commands as `nagios`) can write its database in.
    func sharedFolder() throws -> String {
        let folder = cli.path("agent")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        return folder
    }

    @Test func nrpeRunsCheckAndCheckNrpeGetsItsStateAndLine() async throws {
        defer { cli.cleanUp() }
        let folder = try sharedFolder()
        let config = nodeConfig()
        let command = "\(CLI.binary) telemetry check --nagios --config \(config) --db \(folder)/telemetry.db"
        let nrpe = try await RealServer({ port in
            let file = cli.write("agent/nrpe.cfg", """
                server_port=\(port)
                server_address=127.0.0.1
                allowed_hosts=127.0.0.1
                nrpe_user=nagios
                nrpe_group=nagios
                dont_blame_nrpe=0
                command_timeout=30
                command[blackhole]=\(command)
                """)
            return ["nrpe", "-c", file, "-f", "-n"]
        }, ready: .accepts, logPath: cli.path("nrpe.log"))

        let asked = try CLI.program(["/usr/lib/nagios/plugins/check_nrpe", "-H", "127.0.0.1", "-p", "\(nrpe.port)", "-n",
                                     "-t", "30", "-c", "blackhole"])
        #expect(asked.status == 1, "check_nrpe: \(asked.stdout)\(asked.stderr)")
        #expect(asked.stdout.hasPrefix("BLACKHOLE WARNING - storage degraded |"), "\(asked.stdout)")
        #expect(asked.stdout.contains("'storage status'=0"), "\(asked.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder + "/telemetry.db"), "the run stored its state where it was told")
    }

    @Test func monitRunsCheckAsAProgramAndShowsItsStatus() async throws {
        defer { cli.cleanUp() }
        let folder = try sharedFolder()
        let config = nodeConfig()
        let command = "\(CLI.binary) telemetry check --nagios --config \(config) --db \(folder)/telemetry.db"
        let monit = try await RealServer({ port in
            let file = cli.write("agent/monitrc", """
                set daemon 1
                set idfile \(folder)/monit.id
                set statefile \(folder)/monit.state
                set pidfile \(folder)/monit.pid
                set httpd port \(port) and use address 127.0.0.1
                    allow 127.0.0.1
                check program blackhole with path "\(command)" with timeout 30 seconds
                    if status != 0 then alert
                """)
            // Monit reads no control file that others may read.
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            return ["monit", "-c", file, "-I"]
        }, ready: .answers("/_status?format=xml"), logPath: cli.path("monit.log"))

        // Monit's status page once the program has run: its exit value and its output.
        var program: (status: String, output: String)?
        let deadline = Date() + 30
        while program == nil && Date() < deadline {
            let page = try await HTTPAnswer.fetch(monit.url + "/_status?format=xml").text
            if let found = page.firstMatch(of: /<program><started>\d+<\/started><status>(\d+)<\/status><output><!\[CDATA\[(.*?)\]\]><\/output>/) {
                program = (String(found.1), String(found.2))
            } else {
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        let seen = try #require(program, "Monit never ran blackhole: \((try? String(contentsOfFile: monit.logPath, encoding: .utf8)) ?? "")")
        #expect(seen.status == "1")
        #expect(seen.output.hasPrefix("BLACKHOLE WARNING - storage degraded |"), "\(seen.output)")
    }
}
