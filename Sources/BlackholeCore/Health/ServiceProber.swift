import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Probes one service by its `health_endpoint`: `http(s)://` (200 with a JSON `status`, 503
/// degraded, any other answer unhealthy), `tcp://host:port` (a connect), or `exec:PROGRAM ARGS`
/// (a Nagios plugin).
public protocol HealthProbing: Sendable {
    func probe(_ service: ServiceSettings) async -> ProbeResult
}

public struct ServiceProber: HealthProbing {
    let http: LazyHTTPClient
    /// Response bodies past this are not read: a health answer is small.
    static let bodyLimit = 64 * 1024

    public init(http: LazyHTTPClient) { self.http = http }

    public func probe(_ service: ServiceSettings) async -> ProbeResult {
        let start = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - start).timeInterval }
        let endpoint = service.healthEndpoint
        let (outcome, message): (ProbeResult.Outcome, String)
        if endpoint.hasPrefix("exec:") {
            (outcome, message) = await PluginRunner.run(String(endpoint.dropFirst(5)), timeout: service.timeout)
        } else if endpoint.hasPrefix("tcp://") {
            (outcome, message) = await connect(endpoint, timeout: service.timeout)
        } else if endpoint.hasPrefix("http://") {
            (outcome, message) = await plainGet(endpoint, timeout: service.timeout)
        } else {
            (outcome, message) = await get(endpoint, timeout: service.timeout)
        }
        return ProbeResult(outcome, responseTime: elapsed(), message: message)
    }

    static let headers = [("Accept", "application/json"), ("User-Agent", "blackhole-health")]

    /// Plain HTTP: one blocking exchange on a thread of its own, no event loop.
    private func plainGet(_ url: String, timeout: Double) async -> (ProbeResult.Outcome, String) {
        do {
            let response = try await PlainHTTPGet.get(url, headers: Self.headers, timeout: timeout, bodyLimit: Self.bodyLimit)
            return Self.classify(status: response.status, body: response.body.map { Data($0) })
        } catch {
            return (.unreachable, Self.describe(error, timeout: timeout))
        }
    }

    /// HTTPS, through the command's HTTP client.
    private func get(_ url: String, timeout: Double) async -> (ProbeResult.Outcome, String) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in Self.headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await http.client.execute(request, timeout: .nanoseconds(Int64(timeout * 1e9)))
            let body = try? await response.body.collect(upTo: Self.bodyLimit)
            return Self.classify(status: Int(response.status.code), body: body.map { Data($0.readableBytesView) })
        } catch {
            return (.unreachable, Self.describe(error, timeout: timeout))
        }
    }

    /// 200 with `{"status": ...}` says how the service is; 200 without a readable body is
    /// healthy; 503 is degraded (up but not serving fully); anything else is unhealthy.
    static func classify(status: Int, body: Data?) -> (ProbeResult.Outcome, String) {
        switch status {
        case 200:
            guard let body, let reported = reportedStatus(body) else { return (.answered(.healthy), "HTTP 200") }
            switch reported {
            case "healthy": return (.answered(.healthy), "HTTP 200 healthy")
            case "degraded": return (.answered(.degraded), "HTTP 200 degraded")
            default: return (.answered(.unhealthy), "HTTP 200 status \"\(reported)\"")
            }
        case 503:
            return (.answered(.degraded), "HTTP 503")
        default:
            return (.refusedService, "HTTP \(status)")
        }
    }

    /// The `status` string of a body that is a JSON object, read without building the object.
    static func reportedStatus(_ body: Data) -> String? {
        try? body.withUnsafeBytes { bytes in
            try JSONReader.document(bytes) { reader in
                var status: String?
                try reader.object { reader, key in
                    if key == "status", !reader.null() { status = try reader.string() } else { try reader.skipValue() }
                }
                return status
            }
        }
    }

    private func connect(_ endpoint: String, timeout: Double) async -> (ProbeResult.Outcome, String) {
        guard let url = URL(string: endpoint), let host = url.host, let port = url.port.flatMap(UInt16.init(exactly:)) else {
            return (.answered(.unknown), "not a tcp://host:port address")
        }
        do {
            _ = try await BlockingSocket.onOwnThread {
                close(try BlockingSocket.connect(host, port, until: BlockingSocket.deadline(timeout)))
            }
            return (.answered(.healthy), "TCP connect to \(host):\(port)")
        } catch {
            return (.unreachable, Self.describe(error, timeout: timeout))
        }
    }

    /// A short reason an operator understands, not a type dump.
    static func describe(_ error: any Error, timeout: Double) -> String {
        if let error = error as? BlockingSocket.Failure {
            switch error {
            case .timedOut: return "timed out after \(DurationText.format(timeout))"
            case .closed: return "connection closed by the service"
            case .failed(let reason): return reason.prefix(1).lowercased() + reason.dropFirst()
            }
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "timed out after \(DurationText.format(timeout))"
            case .remoteConnectionClosed:
                return "connection closed by the service"
            default:
                return "\(error)"
            }
        }
        if error is ChannelError, case ChannelError.connectTimeout = error {
            return "timed out after \(DurationText.format(timeout))"
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error, timeout: timeout)
        }
        let text = "\(error)"
        if text.contains("connectTimeout") { return "timed out after \(DurationText.format(timeout))" }
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        return text
    }
}
