import Foundation

/// Where resource readings come from: the real `/proc` and `statvfs`, or a test's fixture.
public protocol ResourceSource: Sendable {
    func counters(at time: Date) throws -> Counters
    func loadAverages() throws -> (Double, Double, Double)
    func memory() throws -> (total: UInt64, available: UInt64)
    func disk(_ path: String) throws -> DiskUsage
}

/// Reads the Linux kernel's files under `root` (normally `/proc`).
public struct ProcSource: ResourceSource {
    let root: String

    public init(root: String = "/proc") { self.root = root }

    private func read(_ name: String) throws -> String {
        let path = root + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BlackholeError(.environment, "\(path): cannot read (is this Linux?)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public func counters(at time: Date) throws -> Counters {
        let cpu = try ProcFiles.cpu(read("stat"))
        return Counters(time: time, cpuTotal: cpu.total, cpuIdle: cpu.idle, network: try ProcFiles.network(read("net/dev")))
    }

    public func loadAverages() throws -> (Double, Double, Double) { try ProcFiles.loadAverages(read("loadavg")) }

    public func memory() throws -> (total: UInt64, available: UInt64) { try ProcFiles.memory(read("meminfo")) }

    /// The filesystem holding `path`, counted as `df` counts it: blocks reserved for root are
    /// neither used nor available.
    public func disk(_ path: String) throws -> DiskUsage {
        let existing = Self.nearestExisting(path)
        var stats = statvfs()
        guard statvfs(existing, &stats) == 0 else {
            throw BlackholeError(.environment, "\(path): cannot read filesystem usage: \(String(cString: strerror(errno)))")
        }
        let unit = UInt64(stats.f_frsize)
        let total = UInt64(stats.f_blocks) * unit
        let used = (UInt64(stats.f_blocks) - UInt64(stats.f_bfree)) * unit
        let available = UInt64(stats.f_bavail) * unit
        return DiskUsage(path: path, totalBytes: total, usedBytes: used, availableBytes: available)
    }

    /// A path that does not exist yet (a database before its first run) lives on its nearest
    /// existing ancestor's filesystem.
    static func nearestExisting(_ path: String) -> String {
        var candidate = path
        while !FileManager.default.fileExists(atPath: candidate) && candidate != "/" && !candidate.isEmpty {
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        return candidate.isEmpty ? "." : candidate
    }
}
