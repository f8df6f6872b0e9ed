import Foundation

/// Raw cumulative counters: meaningful only as a difference between two readings.
public struct Counters: Sendable, Equatable {
    public var time: Date
    /// CPU time in clock ticks, all CPUs together.
    public var cpuTotal: UInt64
    public var cpuIdle: UInt64
    /// Bytes received and sent per interface.
    public var network: [String: InterfaceBytes]

    public struct InterfaceBytes: Sendable, Equatable {
        public var received: UInt64
        public var sent: UInt64
    }
}

/// Parsers for the Linux `/proc` files: text in, values out, no I/O.
public enum ProcFiles {
    /// `/proc/stat`'s first line: `cpu user nice system idle iowait irq softirq steal ...`.
    /// Idle time includes iowait; guest time is already counted in user time.
    public static func cpu(_ text: String) throws -> (total: UInt64, idle: UInt64) {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else {
            throw malformed("/proc/stat", "no aggregate cpu line")
        }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 4 else { throw malformed("/proc/stat", "cpu line has \(fields.count) fields") }
        let counted = fields.prefix(8)
        let idle = fields[3] + (fields.count > 4 ? fields[4] : 0)
        return (counted.reduce(0, +), idle)
    }

    /// `/proc/loadavg`: `0.52 0.58 0.59 1/467 12345`.
    public static func loadAverages(_ text: String) throws -> (Double, Double, Double) {
        let fields = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        guard fields.count == 3 else { throw malformed("/proc/loadavg", "expected three load averages") }
        return (fields[0], fields[1], fields[2])
    }

    /// `/proc/meminfo`'s MemTotal and MemAvailable, in bytes.
    public static func memory(_ text: String) throws -> (total: UInt64, available: UInt64) {
        var values: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = UInt64(parts[1]) else { continue }
            values[String(parts[0].dropLast())] = value * (parts.count > 2 && parts[2] == "kB" ? 1024 : 1)
        }
        guard let total = values["MemTotal"], let available = values["MemAvailable"] else {
            throw malformed("/proc/meminfo", "MemTotal or MemAvailable missing")
        }
        return (total, available)
    }

    /// `/proc/net/dev`: per interface, receive bytes (first column) and transmit bytes (ninth).
    public static func network(_ text: String) throws -> [String: Counters.InterfaceBytes] {
        var result: [String: Counters.InterfaceBytes] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmed()
            let fields = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
            guard fields.count >= 9, !name.contains("|") else { continue }
            result[name] = .init(received: fields[0], sent: fields[8])
        }
        return result
    }

    private static func malformed(_ file: String, _ detail: String) -> BlackholeError {
        BlackholeError(.environment, "\(file): unexpected format: \(detail)")
    }
}
