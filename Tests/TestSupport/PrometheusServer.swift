import Foundation

/// A real Prometheus (Debian's `/usr/bin/prometheus`) on a free 127.0.0.1 port: it scrapes one
/// target's `/metrics` and evaluates one rule file, both every second, with its storage in a
/// folder of its own. Killed and its folder removed when the value goes away.
public final class PrometheusServer: @unchecked Sendable {
    public let port: Int
    private let process = Process()
    private let folder = TemporaryDirectory()

    public init(scraping target: String, ruleFile: String) throws {
        port = try Self.freePort()
        let config = folder.write("prometheus.yml", """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            rule_files: ["\(ruleFile)"]
            scrape_configs:
              - job_name: blackhole
                static_configs: [{ targets: ["\(target)"] }]
            """)
        FileManager.default.createFile(atPath: folder.file("prometheus.log"), contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = ["--config.file=\(config)", "--storage.tsdb.path=\(folder.file("data"))",
                             "--web.listen-address=127.0.0.1:\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("prometheus.log")))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// What it logged, for a failing test to show.
    public var log: String { (try? String(contentsOfFile: folder.file("prometheus.log"), encoding: .utf8)) ?? "" }

    /// `/api/v1/alerts`: every pending and firing alert, as Prometheus' JSON has it.
    public func alerts() async throws -> [[String: Any]] {
        let answer = try await HTTPAnswer.fetch(url("/api/v1/alerts"))
        return (answer.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
    }

    /// A port the kernel picks for a socket that is then closed: free unless another process
    /// takes it in the moment before Prometheus binds it.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // SIGKILL, as FixtureProcess does: a child started from a task may have SIGTERM blocked.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
