import Foundation

/// `host:port` to listen on; port 0 lets the system pick one.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:4318`, `0.0.0.0:4318`, `[::1]:4318`.
    public init(parsing text: String, option: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw BlackholeError(.usage, "\(option): \"\(text)\" is not HOST:PORT (e.g. 127.0.0.1:4318)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw BlackholeError(.usage, "\(option): \"\(text)\" has no host (e.g. 127.0.0.1:\(port))") }
        self.init(host: host, port: port)
    }

    public var isLoopback: Bool { Self.isLoopbackName(host) }

    /// `localhost`, `::1` or an IPv4 address in 127.0.0.0/8 (parsed, so `127.evil.example` is not).
    public static func isLoopbackName(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
