import Foundation
import GRDB

/// A table holding one kind of data, with the column its age is read from.
struct RetentionTarget: Sendable {
    let kind: DataKind
    let table: String
    let timeColumn: String
    let unitsPerSecond: Double
    /// Run after rows were removed: drop what only those rows referred to.
    let cleanup: String?
}

/// Deletes data older than its retention, in small batches so that no writer waits long.
public struct Pruner: Sendable {
    let store: Store
    let batchSize: Int

    public init(_ store: Store, batchSize: Int = 2000) {
        self.store = store
        self.batchSize = batchSize
    }

    public func prune(retention: [DataKind: TimeInterval], now: Date, dryRun: Bool) throws -> PruneReport {
        let kinds = try DataKind.allCases.compactMap { kind -> PruneReport.Kind? in
            let targets = Schema.retentionTargets.filter { $0.kind == kind }
            guard !targets.isEmpty else { return nil }
            let period = retention[kind] ?? kind.defaultRetention
            let cutoff = now - period
            let rows = try targets.reduce(0) { total, target in
                let bound = Int64((cutoff.timeIntervalSince1970 * target.unitsPerSecond).rounded(.down))
                return total + (dryRun ? try count(target, before: bound) : try delete(target, before: bound))
            }
            return PruneReport.Kind(kind: kind, retention: period, cutoff: cutoff, rows: rows)
        }
        return PruneReport(dryRun: dryRun, kinds: kinds)
    }

    private func count(_ target: RetentionTarget, before bound: Int64) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(target.table) WHERE \(target.timeColumn) < ?", arguments: [bound]) ?? 0
        }
    }

    private func delete(_ target: RetentionTarget, before bound: Int64) throws -> Int {
        var total = 0
        while true {
            let removed = try store.write { db in
                try db.execute(sql: """
                    DELETE FROM \(target.table) WHERE rowid IN (
                        SELECT rowid FROM \(target.table) WHERE \(target.timeColumn) < ? LIMIT ?)
                    """, arguments: [bound, batchSize])
                return db.changesCount
            }
            total += removed
            if removed < batchSize { break }
        }
        if total > 0, let cleanup = target.cleanup {
            try store.write { db in try db.execute(sql: cleanup) }
        }
        return total
    }
}

public struct PruneReport: Report, Equatable {
    public struct Kind: Sendable, Equatable, Encodable {
        public let kind: DataKind
        public let retention: TimeInterval
        public let cutoff: Date
        public let rows: Int

        enum CodingKeys: String, CodingKey {
            case kind, retention = "retention_seconds", cutoff, rows
        }
    }

    public let dryRun: Bool
    public let kinds: [Kind]

    enum CodingKeys: String, CodingKey { case dryRun = "dry_run", kinds, total }

    public var total: Int { kinds.reduce(0) { $0 + $1.rows } }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(kinds, forKey: .kinds)
        try container.encode(total, forKey: .total)
    }

    public func renderText(_ style: TextStyle) -> String {
        var table = Table([("KIND", .left), ("RETENTION", .right), ("OLDER THAN", .left), (dryRun ? "WOULD REMOVE" : "REMOVED", .right)])
        for kind in kinds {
            table.append([Table.Cell(kind.kind.rawValue), Table.Cell(DurationText.format(kind.retention)),
                          Table.Cell(TimeText.human(kind.cutoff, utc: style.utc)), Table.Cell("\(kind.rows)")])
        }
        let summary = total == 0
            ? "Nothing is older than its retention."
            : "\(dryRun ? "Would remove" : "Removed") \(total) row\(total == 1 ? "" : "s")."
        return table.render(style) + "\n" + summary
    }
}
