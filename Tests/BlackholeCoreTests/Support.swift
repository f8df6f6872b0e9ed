import Foundation
@testable import BlackholeCore
@_exported import TestSupport

/// Readings a test sets by hand.
final class FixedSource: ResourceSource, @unchecked Sendable {
    var readings: [Counters] = []
    private(set) var reads = 0
    var load = (0.5, 0.25, 0.125)
    var memoryValue: (total: UInt64, available: UInt64) = (8 << 30, 6 << 30)

    func counters(at time: Date) throws -> Counters {
        defer { reads += 1 }
        var reading = readings[min(reads, readings.count - 1)]
        reading.time = time
        return reading
    }

    func loadAverages() throws -> (Double, Double, Double) { load }
    func memory() throws -> (total: UInt64, available: UInt64) { memoryValue }
    func disk(_ path: String) throws -> DiskUsage {
        DiskUsage(path: path, totalBytes: 100, usedBytes: 40, availableBytes: 50)
    }
}

extension Counters {
    static func make(total: UInt64, idle: UInt64, eth0: (rx: UInt64, tx: UInt64) = (0, 0)) -> Counters {
        Counters(time: Date(timeIntervalSince1970: 0), cpuTotal: total, cpuIdle: idle,
                 network: ["eth0": .init(received: eth0.rx, sent: eth0.tx), "lo": .init(received: 5, sent: 5)])
    }
}
