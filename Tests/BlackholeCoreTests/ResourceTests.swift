import Foundation
import Testing
@testable import BlackholeCore

@Suite struct ProcFilesTests {
    @Test func parsesTheKernelsFiles() throws {
        let cpu = try ProcFiles.cpu("cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n")
        #expect(cpu.total == 1000 && cpu.idle == 840)
        #expect(try ProcFiles.loadAverages("0.52 0.58 0.59 1/467 12345\n") == (0.52, 0.58, 0.59))
        let memory = try ProcFiles.memory("MemTotal:       16303464 kB\nMemFree:  1 kB\nMemAvailable:   12000000 kB\n")
        #expect(memory.total == 16_303_464 * 1024 && memory.available == 12_000_000 * 1024)
        let net = try ProcFiles.network("""
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:    3193      37    0    0    0     0          0         0     3193      37    0    0    0     0       0          0
              eth0: 1234567    1000    0    0    0     0          0         0   765432     900    0    0    0     0       0          0
            """)
        #expect(net == ["lo": .init(received: 3193, sent: 3193), "eth0": .init(received: 1_234_567, sent: 765_432)])
    }

    @Test func refusesMalformedFiles() {
        #expect(throws: BlackholeError.self) { try ProcFiles.cpu("intr 1 2 3\n") }
        #expect(throws: BlackholeError.self) { try ProcFiles.cpu("cpu  1 2\n") }
        #expect(throws: BlackholeError.self) { try ProcFiles.loadAverages("") }
        #expect(throws: BlackholeError.self) { try ProcFiles.memory("MemTotal: 5 kB\n") }
    }

    @Test func procSourceReadsAFixtureTree() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("net"), withIntermediateDirectories: true)
        _ = dir.write("stat", "cpu  10 0 10 80 0 0 0 0 0 0\n")
        _ = dir.write("net/dev", "h\nh\n  eth0: 10 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0\n")
        _ = dir.write("loadavg", "1.00 2.00 3.00 1/1 1\n")
        _ = dir.write("meminfo", "MemTotal: 100 kB\nMemAvailable: 25 kB\n")
        let source = ProcSource(root: dir.path)
        let counters = try source.counters(at: Date())
        #expect(counters.cpuTotal == 100 && counters.cpuIdle == 80 && counters.network["eth0"]?.sent == 20)
        #expect(try source.memory() == (102_400, 25_600))
        let missing = ProcSource(root: dir.file("nope"))
        #expect(throws: BlackholeError.self) { try missing.loadAverages() }
    }

    @Test func diskOfAPathNotYetCreatedIsItsAncestors() throws {
        let dir = TemporaryDirectory()
        let usage = try ProcSource().disk(dir.file("not/yet/there"))
        #expect(usage.path == dir.file("not/yet/there"))
        #expect(usage.totalBytes > 0 && usage.usagePercent > 0 && usage.usagePercent < 100)
    }
}

@Suite struct ResourceSamplerTests {
    let clock = ManualClock()

    func sampler(_ source: FixedSource) -> ResourceSampler {
        ResourceSampler(source: source, clock: clock)
    }

    @Test func aRecentPreviousReadingIsTheBaseline() async throws {
        let source = FixedSource()
        source.readings = [.make(total: 2000, idle: 1500, eth0: (rx: 7000, tx: 4000))]
        var previous = Counters.make(total: 1000, idle: 700, eth0: (rx: 1000, tx: 1000))
        previous.time = clock.now() - 60
        let (snapshot, counters) = try await sampler(source).sample(previous: previous, diskPaths: ["/data"])
        #expect(source.reads == 1)  // no second reading, no sleep
        #expect(snapshot.window == 60)
        #expect(snapshot.cpu.usagePercent == 20)  // 1000 ticks, 800 idle
        #expect(snapshot.network.bytesReceivedPerSec == 100 && snapshot.network.bytesSentPerSec == 50)
        #expect(snapshot.network.interfaces.map(\.name) == ["eth0", "lo"])
        #expect(counters.cpuTotal == 2000)
        #expect(snapshot.memory.usagePercent == 25 && snapshot.memory.usedBytes == 2 << 30)
        #expect(snapshot.disks.map(\.path) == ["/data"])
    }

    @Test(arguments: [
        ("stale", -301.0, 1000 as UInt64),
        ("rebooted", -60.0, 5000 as UInt64),
        ("from the future", 10.0, 1000 as UInt64),
    ])
    func anUnusablePreviousReadingMeansTwoReadings(_ why: String, age: Double, previousTotal: UInt64) async throws {
        let source = FixedSource()
        source.readings = [.make(total: 2000, idle: 1500), .make(total: 2100, idle: 1550)]
        var previous = Counters.make(total: previousTotal, idle: 100)
        previous.time = clock.now() + age
        let (snapshot, counters) = try await sampler(source).sample(previous: previous, diskPaths: [])
        #expect(source.reads == 2, "\(why)")
        #expect(abs(snapshot.window - 0.2) < 1e-6, "two readings the short window apart, by the clock: \(why)")
        #expect(snapshot.cpu.usagePercent == 50, "\(why)")  // 100 ticks, 50 idle
        #expect(counters.cpuTotal == 2100)
    }

    @Test func samplesUseTheSystemMetricNames() async throws {
        let source = FixedSource()
        source.readings = [.make(total: 100, idle: 50), .make(total: 200, idle: 100)]
        let (snapshot, _) = try await sampler(source).sample(previous: nil, diskPaths: ["/"])
        let names = Set(snapshot.samples.map(\.name))
        #expect(names == [
            "system.cpu.usage_percent", "system.cpu.load_average_1m", "system.cpu.load_average_5m",
            "system.cpu.load_average_15m", "system.memory.usage_percent", "system.memory.available_bytes",
            "system.disk.usage_percent", "system.disk.available_bytes", "system.network.bytes_sent_per_second",
            "system.network.bytes_received_per_second",
        ])
        #expect(snapshot.samples.contains(Sample("system.disk.usage_percent", 40.0 / 90 * 100, labels: ["path": "/"], time: snapshot.time)))
    }

    @Test func recorderKeepsTheBaselineInTheStore() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let source = FixedSource()
        source.readings = [.make(total: 100, idle: 50), .make(total: 200, idle: 100), .make(total: 600, idle: 200)]
        let recorder = ResourceRecorder(sampler: sampler(source), store: store)
        _ = try await recorder.run(diskPaths: [])
        clock.advance(by: 30)
        let second = try await recorder.run(diskPaths: [])
        #expect(source.reads == 3)  // the second run used the stored counters
        #expect(second.cpu.usagePercent == 75 && second.window == 30)
        #expect(try MetricStore(store).range(name: "system.cpu.usage_percent", from: .distantPast, to: .distantFuture)
            .values.first?.map(\.value) == [50, 75])
    }
}
