import Foundation

public struct DiskUsage: Encodable, Sendable, Equatable {
    public var path: String
    public var totalBytes: UInt64
    public var usedBytes: UInt64
    public var availableBytes: UInt64

    /// As `df` computes Use%: used over what non-root users could ever have.
    public var usagePercent: Double {
        let usable = usedBytes + availableBytes
        return usable == 0 ? 0 : Double(usedBytes) / Double(usable) * 100
    }

    enum CodingKeys: String, CodingKey {
        case path, totalBytes = "total_bytes", usedBytes = "used_bytes", availableBytes = "available_bytes"
        case usagePercent = "usage_percent"
    }

    public init(path: String, totalBytes: UInt64, usedBytes: UInt64, availableBytes: UInt64) {
        self.path = path
        self.totalBytes = totalBytes
        self.usedBytes = usedBytes
        self.availableBytes = availableBytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(totalBytes, forKey: .totalBytes)
        try container.encode(usedBytes, forKey: .usedBytes)
        try container.encode(availableBytes, forKey: .availableBytes)
        try container.encode(usagePercent, forKey: .usagePercent)
    }
}

/// One reading of the machine: CPU and load, memory, disks and network rates.
public struct ResourceSnapshot: Report, Equatable {
    public struct CPU: Encodable, Sendable, Equatable {
        public var usagePercent: Double
        public var loadAverage1m: Double
        public var loadAverage5m: Double
        public var loadAverage15m: Double

        enum CodingKeys: String, CodingKey {
            case usagePercent = "usage_percent", loadAverage1m = "load_average_1m"
            case loadAverage5m = "load_average_5m", loadAverage15m = "load_average_15m"
        }
    }

    public struct Memory: Encodable, Sendable, Equatable {
        public var totalBytes: UInt64
        public var availableBytes: UInt64
        public var usedBytes: UInt64 { totalBytes - min(availableBytes, totalBytes) }
        public var usagePercent: Double { totalBytes == 0 ? 0 : Double(usedBytes) / Double(totalBytes) * 100 }

        enum CodingKeys: String, CodingKey {
            case totalBytes = "total_bytes", availableBytes = "available_bytes", usedBytes = "used_bytes"
            case usagePercent = "usage_percent"
        }

        public init(totalBytes: UInt64, availableBytes: UInt64) {
            self.totalBytes = totalBytes
            self.availableBytes = availableBytes
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(totalBytes, forKey: .totalBytes)
            try container.encode(availableBytes, forKey: .availableBytes)
            try container.encode(usedBytes, forKey: .usedBytes)
            try container.encode(usagePercent, forKey: .usagePercent)
        }
    }

    public struct InterfaceRate: Encodable, Sendable, Equatable {
        public var name: String
        public var bytesSentPerSec: Double
        public var bytesReceivedPerSec: Double

        enum CodingKeys: String, CodingKey {
            case name, bytesSentPerSec = "bytes_sent_per_sec", bytesReceivedPerSec = "bytes_received_per_sec"
        }
    }

    public struct Network: Encodable, Sendable, Equatable {
        /// Totals leave out loopback: traffic to this machine itself is not network load.
        public var bytesSentPerSec: Double
        public var bytesReceivedPerSec: Double
        public var interfaces: [InterfaceRate]

        enum CodingKeys: String, CodingKey {
            case bytesSentPerSec = "bytes_sent_per_sec", bytesReceivedPerSec = "bytes_received_per_sec", interfaces
        }
    }

    public var time: Date
    /// How long the CPU and network rates were measured over.
    public var window: TimeInterval
    public var cpu: CPU
    public var memory: Memory
    public var disks: [DiskUsage]
    public var network: Network

    enum CodingKeys: String, CodingKey {
        case time, window = "window_ms", cpu, memory, disks, network
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode((window * 1000).rounded(), forKey: .window)
        try container.encode(cpu, forKey: .cpu)
        try container.encode(memory, forKey: .memory)
        try container.encode(disks, forKey: .disks)
        try container.encode(network, forKey: .network)
    }

    /// The samples recorded for this reading, under the `system.*` names alert rules refer to.
    public var samples: [Sample] {
        var samples = [
            Sample("system.cpu.usage_percent", cpu.usagePercent, time: time),
            Sample("system.cpu.load_average_1m", cpu.loadAverage1m, time: time),
            Sample("system.cpu.load_average_5m", cpu.loadAverage5m, time: time),
            Sample("system.cpu.load_average_15m", cpu.loadAverage15m, time: time),
            Sample("system.memory.usage_percent", memory.usagePercent, time: time),
            Sample("system.memory.available_bytes", Double(memory.availableBytes), time: time),
            Sample("system.network.bytes_sent_per_second", network.bytesSentPerSec, time: time),
            Sample("system.network.bytes_received_per_second", network.bytesReceivedPerSec, time: time),
        ]
        for disk in disks {
            samples.append(Sample("system.disk.usage_percent", disk.usagePercent, labels: ["path": disk.path], time: time))
            samples.append(Sample("system.disk.available_bytes", Double(disk.availableBytes), labels: ["path": disk.path], time: time))
        }
        for interface in network.interfaces {
            let labels = ["interface": interface.name]
            samples.append(Sample("system.network.bytes_sent_per_second", interface.bytesSentPerSec, labels: labels, time: time))
            samples.append(Sample("system.network.bytes_received_per_second", interface.bytesReceivedPerSec, labels: labels, time: time))
        }
        return samples
    }

    public func renderText(_ style: TextStyle) -> String {
        func percent(_ value: Double, warn: Double = 80, critical: Double = 95) -> Table.Cell {
            Table.Cell(String(format: "%.1f%%", value), value >= critical ? .red : value >= warn ? .yellow : nil)
        }
        var table = Table([("RESOURCE", .left), ("USED", .right), ("DETAIL", .left)])
        table.append(["cpu", percent(cpu.usagePercent),
                      Table.Cell(String(format: "load %.2f %.2f %.2f (1m 5m 15m)", cpu.loadAverage1m, cpu.loadAverage5m,
                                        cpu.loadAverage15m) + ", over \(DurationText.format(window))")])
        table.append(["memory", percent(memory.usagePercent),
                      Table.Cell("\(ByteText.format(memory.usedBytes)) of \(ByteText.format(memory.totalBytes)), \(ByteText.format(memory.availableBytes)) available")])
        for disk in disks {
            table.append([Table.Cell("disk \(disk.path)"), percent(disk.usagePercent, warn: 85),
                          Table.Cell("\(ByteText.format(disk.usedBytes)) of \(ByteText.format(disk.totalBytes)), \(ByteText.format(disk.availableBytes)) available")])
        }
        table.append(["network", "",
                      Table.Cell("sent \(ByteText.rate(network.bytesSentPerSec)), received \(ByteText.rate(network.bytesReceivedPerSec)) (all but lo)")])
        if style.verbose {
            for interface in network.interfaces {
                table.append([Table.Cell("  \(interface.name)"), "",
                              Table.Cell("sent \(ByteText.rate(interface.bytesSentPerSec)), received \(ByteText.rate(interface.bytesReceivedPerSec))")])
            }
        }
        return "Resources at \(TimeText.human(time, utc: style.utc))\n" + table.render(style)
    }

    /// One line for `--watch` when the output is not a terminal.
    public func renderLine(_ style: TextStyle) -> String {
        let disksText = disks.map { "disk \($0.path) " + String(format: "%.1f%%", $0.usagePercent) }.joined(separator: " ")
        return TimeText.human(time, utc: style.utc)
            + String(format: " cpu %.1f%% load %.2f mem %.1f%% ", cpu.usagePercent, cpu.loadAverage1m, memory.usagePercent)
            + disksText + " net sent \(ByteText.rate(network.bytesSentPerSec)) received \(ByteText.rate(network.bytesReceivedPerSec))"
    }
}

public enum ByteText {
    /// Binary units, as `free -h` and `df -h` print them.
    public static func format(_ bytes: UInt64) -> String { format(Double(bytes)) }

    public static func format(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = bytes
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f ", value) + units[unit]
    }

    public static func rate(_ bytesPerSecond: Double) -> String { format(bytesPerSecond) + "/s" }

    /// `512KiB`, `4MiB`, `1GiB`, `4MB` or plain bytes; nil for anything else.
    public static func parse(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                                      ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        let trimmed = text.trimmed()
        let unit = units.first { trimmed.hasSuffix($0.suffix) }
        let number = unit.map { String(trimmed.dropLast($0.suffix.count)).trimmed() } ?? trimmed
        guard let value = Int(number), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit?.factor ?? 1)
        return overflow ? nil : bytes
    }
}
