import Foundation
import GRDB
import Testing
@testable import BlackholeCore

@Suite struct StoreTests {
    @Test func createsAPrivateWALDatabaseWithItsFolder() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("state/blackhole/telemetry.db")
        let store = try Store(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: dir.file("state/blackhole"))
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let (journal, synchronous, busy, migrations) = try store.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"), try String.fetchAll(db, sql: "SELECT name FROM schema_migrations ORDER BY rowid"))
        }
        #expect(journal == "wal")
        #expect(synchronous == 1)  // NORMAL
        #expect(busy == Int(Store.busyTimeout * 1000))
        #expect(migrations == Schema.migrations.map(\.name))
    }

    /// A store with concurrent readers (serve) and one without (every one-shot command) open
    /// the same WAL database, whichever creates it, and see each other's writes at once.
    @Test(arguments: [false, true])
    func bothKindsOfStoreShareOneWALDatabase(creatorReadsConcurrently: Bool) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("telemetry.db")
        let creator = try Store(path: path, concurrentReads: creatorReadsConcurrently)
        let other = try Store(path: path, concurrentReads: !creatorReadsConcurrently)
        for (writer, reader) in [(creator, other), (other, creator)] {
            try MetricStore(writer).record([Sample("written", 1, labels: ["by": writer === creator ? "creator" : "other"], time: Date())])
            #expect(try MetricStore(reader).latest(name: "written").map(\.labels["by"]).contains(writer === creator ? "creator" : "other"))
            #expect(try reader.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        }
    }

    @Test func reopeningAppliesNothingTwice() throws {
        let dir = TemporaryDirectory()
        _ = try Store(path: dir.file("t.db"))
        let again = try Store(path: dir.file("t.db"))
        let count = try again.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM schema_migrations") }
        #expect(count == Schema.migrations.count)
    }

    @Test func newMigrationsApplyToAnExistingDatabaseStampedByTheClock() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        _ = try Store(path: dir.file("t.db"), migrations: Array(Schema.migrations.prefix(1)), clock: clock)
        clock.advance(by: 3600)
        let store = try Store(path: dir.file("t.db"), clock: clock)
        #expect(try store.read { try $0.tableExists("sampler_state") })
        let stamps = try store.read { try String.fetchAll($0, sql: "SELECT applied_at FROM schema_migrations ORDER BY rowid") }
        #expect(stamps.first == TimeText.rfc3339(clock.now() - 3600) && stamps.last == TimeText.rfc3339(clock.now()))
    }

    @Test func aFailingMigrationLeavesTheSchemaAsItWas() throws {
        let dir = TemporaryDirectory()
        let broken = Schema.migrations + [
            Migration("good") { db in try db.execute(sql: "CREATE TABLE extra (x)") },
            Migration("bad") { db in try db.execute(sql: "CREATE TABLE nonsense (") },
        ]
        let error = try #require(throws: BlackholeError.self) { try Store(path: dir.file("t.db"), migrations: broken) }
        #expect(error.kind == .database)
        let store = try Store(path: dir.file("t.db"), migrations: [])
        let tables = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.isEmpty)
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let dir = TemporaryDirectory()
        _ = try Store(path: dir.file("t.db"), migrations: Schema.migrations + [Migration("from_the_future") { _ in }])
        let error = try #require(throws: BlackholeError.self) { try Store(path: dir.file("t.db")) }
        #expect(error.message.contains("from_the_future"))
    }

    @Test func aDirectoryIsNotADatabase() throws {
        let dir = TemporaryDirectory()
        let error = try #require(throws: BlackholeError.self) { try Store(path: dir.path) }
        #expect(error.message == "database \(dir.path): is a directory, not a file")
    }

    @Test func aCorruptFileIsNamed() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("t.db", String(repeating: "not a database ", count: 500))
        let error = try #require(throws: BlackholeError.self) { try Store(path: path) }
        #expect(error.message == "database \(path): file is not a usable SQLite database (corrupt, or another kind of file)")
        #expect(FileManager.default.contents(atPath: path) == Data(String(repeating: "not a database ", count: 500).utf8))
    }

    @Test func anUncreatableFolderIsNamed() throws {
        let dir = TemporaryDirectory()
        let file = dir.write("plain", "x")
        let error = try #require(throws: BlackholeError.self) { try Store(path: file + "/sub/t.db") }
        #expect(error.message.hasPrefix("database \(file)/sub/t.db: cannot create folder"))
    }
}

@Suite struct MetricStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func recordsAndReadsSeries() throws {
        let dir = TemporaryDirectory()
        let metrics = MetricStore(try Store(path: dir.file("t.db")))
        try metrics.record([
            Sample("disk", 10, labels: ["path": "/"], time: t0),
            Sample("disk", 20, labels: ["path": "/var"], time: t0),
            Sample("disk", 11, labels: ["path": "/"], time: t0 + 60),
            Sample("cpu", 5, time: t0),
            Sample("cpu", 7.5, time: t0 + 60),
        ])
        let latest = try metrics.latest()
        #expect(latest == [
            Sample("cpu", 7.5, time: t0 + 60),
            Sample("disk", 11, labels: ["path": "/"], time: t0 + 60),
            Sample("disk", 20, labels: ["path": "/var"], time: t0),
        ])
        #expect(try metrics.latest(name: "cpu") == [Sample("cpu", 7.5, time: t0 + 60)])

        let range = try metrics.range(name: "disk", labels: ["path": "/"], from: t0, to: t0 + 30)
        #expect(range == [SeriesKey("disk", labels: ["path": "/"]): [Point(time: t0, value: 10)]])
        #expect(try metrics.range(name: "disk", from: t0, to: t0 + 60).count == 2)

        let catalog = try metrics.catalog(since: t0 + 30)
        #expect(catalog.map(\.key.text) == ["cpu", "disk{path=\"/\"}"])
        #expect(catalog.map(\.lastValue) == [7.5, 11])
        #expect(try metrics.names() == ["cpu", "disk"])
    }

    /// Series rows written before labels were written by hand (by `JSONEncoder`, keys sorted,
    /// slashes unescaped) are still the rows the same labels find.
    @Test func labelsAreStoredAsJSONEncoderWroteThem() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"\\/\u{7f}é😀\u{2028}"
        let labelSets: [[String: String]] = [
            [:], ["path": "/var/lib"], ["a10": "x", "a9": "y", "B": "z", "_": "", "é": "1", "e": "2"],
            ["value": awkward, awkward: "key"],
        ]
        for labels in labelSets {
            let key = SeriesKey("m", labels: labels)
            #expect(key.labelsJSON == String(decoding: try encoder.encode(labels), as: UTF8.self))
            #expect(SeriesKey(name: "m", labelsJSON: key.labelsJSON) == key)
        }
        #expect(SeriesKey(name: "m", labelsJSON: "not json").labels == [:])

        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let old = String(decoding: try encoder.encode(["path": "/", "device": "sda1"]), as: UTF8.self)
        try store.write { db in try db.execute(sql: "INSERT INTO metric_series (name, labels) VALUES ('disk', ?)", arguments: [old]) }
        try MetricStore(store).record([Sample("disk", 1, labels: ["device": "sda1", "path": "/"], time: t0)])
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metric_series") } == 1)
    }

    /// What a sampler keeps between runs reads back the same, and values kept as `JSONEncoder`
    /// wrote them stay readable; a value that cannot be read is as good as none.
    @Test func samplerStateReadsWhatItAndJSONEncoderWrote() throws {
        let dir = TemporaryDirectory()
        let state = SamplerState(try Store(path: dir.file("t.db")))
        let counters = Counters(time: t0, cpuTotal: 123_456_789, cpuIdle: 98_765,
                                network: ["eth0": .init(received: 1 << 40, sent: 7), "wg-0\"x": .init(received: 0, sent: UInt64.max)])
        try state.save(counters, name: "c", time: t0)
        #expect(try state.load(Counters.self, name: "c") == counters)
        try state.save(t0 + 0.125, name: "d", time: t0)
        #expect(try state.load(Date.self, name: "d") == t0 + 0.125)
        #expect(try state.load(Date.self, name: "missing") == nil)

        struct Bytes: Encodable { let received: UInt64, sent: UInt64 }
        struct Earlier: Encodable { let time: Date, cpuTotal: UInt64, cpuIdle: UInt64, network: [String: Bytes] }
        let earlier = try JSONEncoder().encode(Earlier(time: t0, cpuTotal: 5, cpuIdle: 3, network: ["lo": Bytes(received: 9, sent: 8)]))
        let earlierDate = try JSONEncoder().encode(t0 + 0.5)
        try state.store.write { db in
            for (name, data) in [("c", earlier), ("d", earlierDate), ("bad", Data("{\"time\": 1".utf8))] {
                try db.execute(sql: "INSERT OR REPLACE INTO sampler_state (name, time_ms, data) VALUES (?, 0, ?)", arguments: [name, data])
            }
        }
        #expect(try state.load(Counters.self, name: "c") == Counters(time: t0, cpuTotal: 5, cpuIdle: 3, network: ["lo": .init(received: 9, sent: 8)]))
        #expect(try state.load(Date.self, name: "d") == t0 + 0.5)
        #expect(try state.load(Counters.self, name: "bad") == nil)
    }

    @Test func seriesReportSummarisesAndSuggests() throws {
        let dir = TemporaryDirectory()
        let metrics = MetricStore(try Store(path: dir.file("t.db")))
        try metrics.record((0..<20).map { Sample("system.cpu.usage_percent", Double($0), time: t0 + Double($0)) })
        let report = try MetricsQuery.series(metrics, name: "system.cpu.usage_percent", labels: [:], since: t0, until: t0 + 100)
        let summary = try #require(report.series.first?.summary)
        #expect(summary.count == 20 && summary.min == 0 && summary.max == 19 && summary.avg == 9.5)
        let json = try JSONOutput.encode(report)
        #expect(json.contains("\"p95\" : 18.05") && json.contains("\"last\" : 19"))
        #expect(report.renderText(TextStyle()).contains("▁"))

        let typo = try MetricsQuery.series(metrics, name: "system.cpu.usage_percen", labels: [:], since: t0, until: t0 + 100)
        #expect(typo.series.isEmpty)
        #expect(typo.renderText(TextStyle()).hasSuffix("Did you mean system.cpu.usage_percent?"))
    }
}

@Suite struct PrunerTests {
    @Test func deletesOnlyWhatIsOlderThanItsRetentionInBatches() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let metrics = MetricStore(store)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let old = (0..<7).map { Sample("old", Double($0), time: now - 7200 - Double($0)) }
        let mixed = [Sample("kept", 1, time: now - 7200), Sample("kept", 2, time: now - 60)]
        try metrics.record(old + mixed)

        let pruner = Pruner(store, batchSize: 3)
        let dry = try pruner.prune(retention: [.metrics: 3600], now: now, dryRun: true)
        #expect(dry.total == 8 && dry.dryRun)
        #expect(try metrics.latest().count == 2)

        let done = try pruner.prune(retention: [.metrics: 3600], now: now, dryRun: false)
        #expect(done.kinds.map(\.kind) == [.metrics, .spans, .alerts, .peers])
        #expect(done.kinds.map(\.rows) == [8, 0, 0, 0])
        #expect(try metrics.latest() == [Sample("kept", 2, time: now - 60)])
        #expect(try metrics.names() == ["kept"])  // the emptied series is gone too
        #expect(try pruner.prune(retention: [.metrics: 3600], now: now, dryRun: false).total == 0)
        #expect(done.renderText(TextStyle()).hasSuffix("Removed 8 rows."))
    }
}
