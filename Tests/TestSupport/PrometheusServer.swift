import Foundation

/// A real Prometheus (Debian's `/usr/bin/prometheus`) on a free 127.0.0.1 port: it scrapes one
/// target's `/metrics` and evaluates a rule file, if given one, both every second, with its
/// storage in a folder of its own. Killed and its folder removed when the value goes away.
public final class PrometheusServer: @unchecked Sendable {
    private let folder = TemporaryDirectory()
    private let server: RealServer

    public var port: Int { server.port }

    public init(scraping target: String, ruleFile: String? = nil) async throws {
        let config = folder.write("prometheus.yml", """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            rule_files: [\(ruleFile.map { "\"\($0)\"" } ?? "")]
            scrape_configs:
              - job_name: blackhole
                static_configs: [{ targets: ["\(target)"] }]
            """)
        server = try await RealServer({ [folder] port in
            ["prometheus", "--config.file=\(config)", "--storage.tsdb.path=\(folder.file("data"))", "--web.listen-address=127.0.0.1:\(port)"]
        }, ready: .answers("/-/ready"), logPath: folder.file("prometheus.log"))
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// What it logged, for a failing test to show.
    public var log: String { (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? "" }

    /// `/api/v1/alerts`: every pending and firing alert, as Prometheus' JSON has it.
    public func alerts() async throws -> [[String: Any]] {
        let answer = try await HTTPAnswer.fetch(url("/api/v1/alerts"))
        return (answer.json["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
    }

    /// What an instant query of `/api/v1/query` evaluates to now: its series (`metric` labels and
    /// `value` as [time, "text"]), or Prometheus' own error (a query that does not parse).
    public func query(_ expression: String) async throws -> Result<[[String: Any]], PrometheusError> {
        try await data("/api/v1/query", ["query": expression]).map { ($0 as? [String: Any])?["result"] as? [[String: Any]] ?? [] }
    }

    /// `/api/v1/label/NAME/values` of the series `match` selects: what Grafana's
    /// `label_values(match, name)` offers.
    public func labelValues(_ name: String, match: String) async throws -> Result<[String], PrometheusError> {
        try await data("/api/v1/label/\(name)/values", ["match[]": match]).map { $0 as? [String] ?? [] }
    }

    public struct PrometheusError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The `data` of an API answer whose status is "success".
    private func data(_ path: String, _ parameters: [String: String]) async throws -> Result<Any?, PrometheusError> {
        var components = URLComponents(string: url(path))!
        components.queryItems = parameters.map { URLQueryItem(name: $0.key, value: $0.value) }
        // URLComponents leaves `+` alone, which a query string reads as a space.
        let query = components.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
        let answer = try await HTTPAnswer.fetch(url(path) + "?" + query)
        guard answer.json["status"] as? String == "success" else {
            return .failure(PrometheusError(description: "HTTP \(answer.status): \(answer.json["error"] ?? answer.text)"))
        }
        return .success(answer.json["data"])
    }
}
