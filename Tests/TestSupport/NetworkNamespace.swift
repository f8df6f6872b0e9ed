import Foundation

/// A network namespace of the test's own (`ip netns`), with only a loopback that carries
/// multicast: mDNS and DNS traffic of a test stays inside it. Removed when the value goes away.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String

    public init() throws {
        name = "bh-" + UUID().uuidString.prefix(8).lowercased()
        try Self.ip(["netns", "add", name])
        for command in [["link", "set", "lo", "up"], ["link", "set", "lo", "multicast", "on"], ["route", "add", "224.0.0.0/4", "dev", "lo"]] {
            try Self.ip(["netns", "exec", name, "ip"] + command)
        }
        // `ip netns exec` shows this file as /etc/resolv.conf inside the namespace.
        try FileManager.default.createDirectory(atPath: "/etc/netns/\(name)", withIntermediateDirectories: true)
        try Data("nameserver 127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: "/etc/netns/\(name)/resolv.conf"))
    }

    /// The command line that runs `command` inside the namespace.
    public func inside(_ command: [String]) -> [String] { ["ip", "netns", "exec", name] + command }

    private static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip"] + arguments
        let error = Pipe()
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw NSError(domain: "ip", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "ip \(arguments.joined(separator: " ")): \(text)"])
        }
    }

    deinit {
        try? Self.ip(["netns", "del", name])
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
    }
}
