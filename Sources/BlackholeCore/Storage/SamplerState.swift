import Foundation
import GRDB

/// Small named values a sampler keeps between runs, such as the raw CPU and network counters
/// the next run takes its delta against.
public struct SamplerState: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("sampler_state") { db in
        try db.execute(sql: """
            CREATE TABLE sampler_state (
                name TEXT PRIMARY KEY NOT NULL,
                time_ms INTEGER NOT NULL,
                data BLOB NOT NULL)
            """)
    }

    func load<T: SamplerStateValue>(_ type: T.Type, name: String) throws -> T? {
        let data = try store.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM sampler_state WHERE name = ?", arguments: [name])
        }
        // A value that cannot be read is as good as none: the next run starts afresh.
        return data.flatMap { data in try? data.withUnsafeBytes { try JSONReader.document($0) { try T(reading: &$0) } } }
    }

    func save(_ value: some SamplerStateValue, name: String, time: Date) throws {
        var data: [UInt8] = []
        value.write(into: &data)
        try store.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO sampler_state (name, time_ms, data) VALUES (?, ?, ?)",
                arguments: [name, MetricStore.milliseconds(time), Data(data)])
        }
    }
}

/// A value kept in `sampler_state`, as JSON it writes and reads itself (the JSON `JSONEncoder`
/// wrote for it before, so kept values stay readable): `Codable` through Foundation's coders costs
/// every `check` a millisecond of run-time type look-ups.
protocol SamplerStateValue {
    init(reading reader: inout JSONReader) throws
    func write(into out: inout [UInt8])
}

/// Seconds since 2001-01-01, as `JSONEncoder` writes a `Date`.
extension Date: SamplerStateValue {
    init(reading reader: inout JSONReader) throws {
        self.init(timeIntervalSinceReferenceDate: try reader.double())
    }

    func write(into out: inout [UInt8]) {
        out += "\(timeIntervalSinceReferenceDate)".utf8
    }
}

extension Counters: SamplerStateValue {
    init(reading reader: inout JSONReader) throws {
        var time: Date?, cpuTotal: UInt64?, cpuIdle: UInt64?, network: [String: InterfaceBytes] = [:]
        try reader.object { reader, key in
            switch key {
            case "time": time = try Date(reading: &reader)
            case "cpuTotal": cpuTotal = try reader.unsigned()
            case "cpuIdle": cpuIdle = try reader.unsigned()
            case "network":
                try reader.object { reader, interface in
                    var bytes = InterfaceBytes(received: 0, sent: 0)
                    try reader.object { reader, key in
                        switch key {
                        case "received": bytes.received = try reader.unsigned()
                        case "sent": bytes.sent = try reader.unsigned()
                        default: try reader.skipValue()
                        }
                    }
                    network[interface.string] = bytes
                }
            default: try reader.skipValue()
            }
        }
        guard let time, let cpuTotal, let cpuIdle else { throw reader.problem("counters without time or CPU counts") }
        self.init(time: time, cpuTotal: cpuTotal, cpuIdle: cpuIdle, network: network)
    }

    func write(into out: inout [UInt8]) {
        out += #"{"time":"#.utf8
        time.write(into: &out)
        out += #","cpuTotal":\#(cpuTotal),"cpuIdle":\#(cpuIdle),"network":{"#.utf8
        for (index, (name, bytes)) in network.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            SpanJSON.string(name, into: &out)
            out += #":{"received":\#(bytes.received),"sent":\#(bytes.sent)}"#.utf8
        }
        out += "}}".utf8
    }
}
