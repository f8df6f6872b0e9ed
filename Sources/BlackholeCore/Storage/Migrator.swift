import Foundation
import GRDB

/// A named schema change. Names are applied once, in order, and never edited after release.
public struct Migration: Sendable {
    public let name: String
    let apply: @Sendable (Database) throws -> Void

    public init(_ name: String, _ apply: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// Applies pending migrations in one IMMEDIATE transaction.
///
/// GRDB's `DatabaseMigrator` reads the applied list outside its transactions, so two processes
/// opening a new database at once (cron's `check` beside `serve`) would both try to create the
/// same tables. Here the check and the changes share one write lock: either process applies
/// everything and the other sees it done, and a failure leaves the schema as it was.
struct Migrator {
    let migrations: [Migration]

    init(_ migrations: [Migration]) { self.migrations = migrations }

    /// `now` stamps each migration applied.
    func migrate(_ store: Store, at now: Date) throws {
        let known = migrations.map(\.name)
        if try store.read({ try applied($0) }) == known { return }
        try store.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        name TEXT PRIMARY KEY NOT NULL,
                        applied_at TEXT NOT NULL)
                    """)
                let done = Set(try applied(db))
                if let unknown = done.subtracting(known).sorted().first {
                    throw BlackholeError(
                        .database, "database \(store.path): has migration \"\(unknown)\" from a newer blackhole; upgrade blackhole")
                }
                for migration in migrations where !done.contains(migration.name) {
                    try migration.apply(db)
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                        arguments: [migration.name, TimeText.rfc3339(now)])
                }
                return .commit
            }
        }
    }

    private func applied(_ db: Database) throws -> [String] {
        guard try db.tableExists("schema_migrations") else { return [] }
        return try String.fetchAll(db, sql: "SELECT name FROM schema_migrations ORDER BY rowid")
    }
}
