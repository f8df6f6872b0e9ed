import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `Tests/Fixtures/health_server.py`: a real HTTP server on 127.0.0.1 with health endpoints of
/// every kind and a webhook receiver. Started per test on a port the kernel picks; stopped when
/// the value goes away.
public final class FixtureServer: @unchecked Sendable {
    public let port: Int
    private let process: FixtureProcess

    public init() throws {
        process = try FixtureProcess(["python3", Fixtures.path("health_server.py")])
        guard let port = Int(process.firstLine) else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// `/toggle` answers as this says: healthy, error or slow.
    public func setMode(_ mode: String) async throws { _ = try await request("POST", "/mode", Data(mode.utf8)) }

    /// `/webhook` accepts (up) or fails with 500 (down).
    public func setWebhook(_ mode: String) async throws { _ = try await request("POST", "/webhook-mode", Data(mode.utf8)) }

    /// `/v2/enqueue` accepts (up) or answers 429 (throttle).
    public func setPagerDuty(_ mode: String) async throws { _ = try await request("POST", "/pagerduty-mode", Data(mode.utf8)) }

    /// The JSON bodies `path` (`/webhook`, `/slack`, `/v2/enqueue`) accepted, oldest first.
    public func received(_ path: String = "/webhook") async throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: try await request("GET", "/received", nil)) as? [String: Any]
        return (object?["received"] as? [[String: Any]] ?? []).filter { $0["path"] as? String == path }.compactMap { $0["body"] as? [String: Any] }
    }

    private func request(_ method: String, _ path: String, _ body: Data?) async throws -> Data {
        try await HTTPAnswer.fetch(url(path), method: method, body: body).body
    }

}

/// A helper program of the tests that prints what the test needs on its first line (an address,
/// a port) and runs until the value goes away.
public final class FixtureProcess: @unchecked Sendable {
    public let firstLine: String
    private let process: Process

    public var pid: Int32 { process.processIdentifier }

    public init(_ command: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        firstLine = out.fileHandleForReading.firstLine()
        guard !firstLine.isEmpty else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile)
        }
    }

    // SIGKILL, not terminate(): a child started from a task inherits its thread's signal mask,
    // where SIGTERM is blocked. No waitUntilExit: Foundation reaps the child itself.
    deinit { kill(process.processIdentifier, SIGKILL) }
}
