import Foundation
import GRDB

/// Every peer this node has heard of, with where from, when first and last seen, and the last
/// probe's outcome.
public struct PeerStore: Sendable {
    let store: Store

    public init(_ store: Store) { self.store = store }

    static let migration = Migration("peers") { db in
        try db.execute(sql: """
            CREATE TABLE peers (
                address TEXT PRIMARY KEY NOT NULL,
                peer_id TEXT,
                source TEXT NOT NULL,
                first_seen_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                last_probe_ms INTEGER,
                reachable INTEGER NOT NULL DEFAULT 0,
                latency_ms REAL);
            CREATE INDEX peers_by_last_seen ON peers(last_seen_ms);
            """)
    }

    static let retention = RetentionTarget(kind: .peers, table: "peers", timeColumn: "last_seen_ms", unitsPerSecond: 1000, cleanup: nil)

    /// Addresses recorded by earlier discoveries.
    public func known() throws -> [String] {
        try store.read { try String.fetchAll($0, sql: "SELECT address FROM peers ORDER BY first_seen_ms, address") }
    }

    /// Records probes; returns the addresses seen for the first time.
    @discardableResult
    public func record(_ results: [PeerProbeResult], source: [String: String], at now: Date) throws -> Set<String> {
        try store.write { db in
            var new = Set<String>()
            for result in results {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM peers WHERE address = ?", arguments: [result.address]) ?? false
                if !exists { new.insert(result.address) }
                // "Seen" means it answered: an address that never answers ages out with the retention.
                let seen = result.reachable ? MetricStore.milliseconds(now) : nil
                try db.execute(
                    sql: """
                        INSERT INTO peers (address, peer_id, source, first_seen_ms, last_seen_ms, last_probe_ms, reachable, latency_ms)
                        VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?5, ?6)
                        ON CONFLICT(address) DO UPDATE SET
                            peer_id = COALESCE(excluded.peer_id, peer_id), last_probe_ms = excluded.last_probe_ms,
                            last_seen_ms = COALESCE(?7, last_seen_ms), reachable = excluded.reachable, latency_ms = excluded.latency_ms
                        """,
                    arguments: [result.address, result.peerID, source[result.address] ?? "command line", MetricStore.milliseconds(now),
                                result.reachable, result.latency.map { $0 * 1000 }, seen])
            }
            return new
        }
    }
}
