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

    public func load<T: Decodable>(_ type: T.Type, name: String) throws -> T? {
        let data = try store.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM sampler_state WHERE name = ?", arguments: [name])
        }
        return data.flatMap { try? JSONDecoder().decode(T.self, from: $0) }
    }

    public func save(_ value: some Encodable, name: String, time: Date) throws {
        let data = try JSONEncoder().encode(value)
        try store.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO sampler_state (name, time_ms, data) VALUES (?, ?, ?)",
                arguments: [name, MetricStore.milliseconds(time), data])
        }
    }
}
