import Foundation
import Testing

@Suite struct ResourcesCLITests {
    func proc(_ name: String) throws -> String { try String(contentsOfFile: "/proc/" + name, encoding: .utf8) }

    func meminfo(_ key: String) throws -> Double {
        let line = try #require(try proc("meminfo").split(separator: "\n").first { $0.hasPrefix(key + ":") })
        return try #require(Double(line.split(separator: " ")[1])) * 1024
    }

    @Test func jsonAgreesWithProcAndDfAndIsRecorded() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let before = (available: try meminfo("MemAvailable"), load: try proc("loadavg"))
        let result = try cli.run("telemetry", "resources", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = result.json
        let memory = try #require(json["memory"] as? [String: Any])
        let total = try #require(memory["total_bytes"] as? Double)
        let available = try #require(memory["available_bytes"] as? Double)
        #expect(total == (try meminfo("MemTotal")))
        #expect(abs(available - before.available) < total * 0.02)
        let usage = try #require(memory["usage_percent"] as? Double)
        #expect(abs(usage - (total - available) / total * 100) < 1e-6)

        let cpu = try #require(json["cpu"] as? [String: Any])
        let loads = before.load.split(separator: " ").prefix(3).compactMap { Double($0) }
        #expect(abs((cpu["load_average_1m"] as? Double ?? -1) - loads[0]) < 0.5)
        #expect(abs((cpu["load_average_15m"] as? Double ?? -1) - loads[2]) < 0.2)
        let percent = try #require(cpu["usage_percent"] as? Double)
        #expect(percent >= 0 && percent <= 100)

        // The database's folder is the first disk; df must agree on its filesystem.
        let disks = try #require(json["disks"] as? [[String: Any]])
        let disk = try #require(disks.first)
        #expect(disk["path"] as? String == cli.path("state/blackhole"))
        let dfLine = try CLI.program(["df", "-B1", "--output=size,used,avail,pcent", cli.path("state/blackhole")]).stdout.split(separator: "\n")[1]
        let fields = dfLine.split(separator: " ")
        let size = try #require(Double(fields[0])), used = try #require(Double(fields[1])), avail = try #require(Double(fields[2]))
        #expect(disk["total_bytes"] as? Double == size)
        #expect(abs((disk["used_bytes"] as? Double ?? 0) - used) < size * 0.01)
        #expect(abs((disk["available_bytes"] as? Double ?? 0) - avail) < size * 0.01)
        let dfPercent = try #require(Double(fields[3].dropLast()))
        #expect(abs((disk["usage_percent"] as? Double ?? -1) - dfPercent) <= 1.0)  // df rounds up

        let network = try #require(json["network"] as? [String: Any])
        #expect((network["interfaces"] as? [[String: Any]])?.contains { $0["name"] as? String == "lo" } == true)

        let recorded = try cli.run("telemetry", "metrics", "system.memory.usage_percent", "--json")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let series = try #require((recorded.json["series"] as? [[String: Any]])?.first)
        #expect(series["count"] as? Int == 1)
        #expect(series["last"] as? Double == usage)
        #expect(recorded.json["name"] as? String == "system.memory.usage_percent")
    }

    @Test func secondRunMeasuresAgainstTheFirst() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.run("telemetry", "resources", "-q")
        Thread.sleep(forTimeInterval: 0.5)
        let second = try cli.run("telemetry", "resources", "--json")
        let window = try #require(second.json["window_ms"] as? Double)
        #expect(window >= 400 && window < 5000, "window \(window)")
        let list = try cli.run("telemetry", "metrics", "--json")
        let names = (list.json["series"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("system.cpu.usage_percent") && names.contains("system.disk.available_bytes"))
        let cpu = (list.json["series"] as? [[String: Any]])?.first { $0["name"] as? String == "system.cpu.usage_percent" }
        #expect(cpu?["samples"] as? Int == 2)
    }

    @Test func noRecordLeavesNoDatabase() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("telemetry", "resources", "--no-record")
        #expect(result.status == 0)
        #expect(result.stdout.contains("memory") && result.stdout.contains("cpu"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("state/blackhole/telemetry.db")))
    }

    @Test func watchPrintsALinePerIntervalAndStopsCleanlyOnCtrlC() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let (process, out, err) = try cli.start(["telemetry", "resources", "--watch", "0.5"])
        Thread.sleep(forTimeInterval: 1.8)
        process.interrupt()
        let result = CLI.finish(process, out, err)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count >= 3 && lines.count <= 5, "\(result.stdout)")
        #expect(lines.allSatisfy { $0.contains(" cpu ") && $0.contains(" mem ") })
        let metrics = try cli.run("telemetry", "metrics", "system.cpu.usage_percent", "--json")
        #expect((metrics.json["series"] as? [[String: Any]])?.first?["count"] as? Int == lines.count)
    }

    @Test func watchWithJsonPrintsOneObjectPerLine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let (process, out, err) = try cli.start(["telemetry", "resources", "--watch", "0.5", "--json", "--no-record"])
        Thread.sleep(forTimeInterval: 1.2)
        process.terminate()
        let result = CLI.finish(process, out, err)
        #expect(result.status == 0)
        let objects = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count >= 2 && objects.allSatisfy { $0?["memory"] != nil })
    }

    @Test func twoWatchLoopsAndPrunesShareTheDatabase() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.run("telemetry", "resources", "-q")  // create the database first: this test is about writes
        let loops = try (0..<2).map { _ in try cli.start(["telemetry", "resources", "--watch", "0.5", "-q"]) }
        var prunes: [CLI.Result] = []
        let deadline = Date() + 3
        while Date() < deadline {
            prunes.append(try cli.run("telemetry", "prune", "--json"))
            prunes.append(try cli.run("telemetry", "metrics", "--json"))
        }
        let results = loops.map { process, out, err in
            process.interrupt()
            return CLI.finish(process, out, err)
        }
        for result in results + prunes {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("locked"))
        }
        #expect(prunes.count >= 4)
    }
}
