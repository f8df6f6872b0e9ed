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

/// SplitMix64: the same numbers for the same seed on every machine, so a measured rate is repeatable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u = max(unit(), .leastNonzeroMagnitude)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }
}
