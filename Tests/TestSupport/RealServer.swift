import Foundation

/// A port something else listens on.
public final class BusyPort: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public func close() { Glibc.close(descriptor) }
}

/// A free port on 127.0.0.1 for a program that must be told its port (the kernel picked it;
/// it is free again when this returns, and stays so unless something else takes it first).
public func freeLoopbackPort() throws -> Int {
    let held = try BusyPort()
    defer { held.close() }
    return held.port
}

/// A real server program of the tests (Alertmanager, Prometheus, Monit, NRPE) on a port picked
/// here, with its output in a log file, ready once it answers on that port; killed when the value
/// goes away.
public final class RealServer: @unchecked Sendable {
    public let port: Int
    public let logPath: String
    private let process = Process()

    /// When the server counts as up.
    public enum Readiness: Sendable {
        /// This path of it answers HTTP 200.
        case answers(String)
        /// Its port accepts a TCP connection: a server that does not speak HTTP (NRPE).
        case accepts
    }

    /// `arguments` gets the port (`port`, or a free one).
    public init(_ arguments: (Int) -> [String], ready: Readiness, logPath: String, port: Int? = nil, timeout: TimeInterval = 20) async throws {
        self.port = try port ?? freeLoopbackPort()
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments(self.port)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date() + timeout
        while Date() < deadline {
            if process.isRunning == false { break }
            switch ready {
            case .answers(let path):
                if let answer = try? await HTTPAnswer.fetch("http://127.0.0.1:\(self.port)\(path)"), answer.status == 200 { return }
            case .accepts:
                if Self.accepts(self.port) { return }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        kill(process.processIdentifier, SIGKILL)
        throw NSError(domain: "RealServer", code: 1, userInfo: [
            NSLocalizedDescriptionKey: "\(process.arguments?.first ?? "server") not ready on port \(self.port): \(output.suffix(600))"])
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Whether a TCP connection to 127.0.0.1:`port` is accepted now (closed at once).
    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    // SIGKILL and no wait, as for the fixtures: Foundation reaps the child.
    deinit { kill(process.processIdentifier, SIGKILL) }
}
