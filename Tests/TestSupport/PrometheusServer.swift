import Foundation

/// A real Prometheus (Debian's `/usr/bin/prometheus`) on a free 127.0.0.1 port: it scrapes one
/// target's `/metrics` and evaluates one rule file, both every second, with its storage in a
/// folder of its own. Killed and its folder removed when the value goes away.
public final class PrometheusServer: @unchecked Sendable {
    private let folder = TemporaryDirectory()
    private let server: RealServer

    public var port: Int { server.port }

    public init(scraping target: String, ruleFile: String) async throws {
        let config = folder.write("prometheus.yml", """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            rule_files: ["\(ruleFile)"]
            scrape_configs:
              - job_name: blackhole
                static_configs: [{ targets: ["\(target)"] }]
            """)
        server = try await RealServer({ [folder] port in
            ["prometheus", "--config.file=\(config)", "--storage.tsdb.path=\(folder.file("data"))", "--web.listen-address=127.0.0.1:\(port)"]
        }, ready: "/-/ready", logPath: folder.file("prometheus.log"))
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// What it logged, for a failing test to show.
    public var log: String { (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? "" }

    /// `/api/v1/alerts`: every pending and firing alert, as Prometheus' JSON has it.
    public func alerts() async throws -> [[String: Any]] {
        let answer = try await HTTPAnswer.fetch(url("/api/v1/alerts"))
        return (answer.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
    }
}
