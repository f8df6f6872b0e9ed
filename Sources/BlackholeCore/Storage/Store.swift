import Foundation
import GRDB

/// The one SQLite database: WAL, a busy timeout so that cron's `check`, `serve` and a person at
/// a shell can all write at once, `synchronous=NORMAL`, file mode 0600 in a 0700 folder.
public final class Store: Sendable {
    public let path: String
    let database: any DatabaseWriter

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 15

    /// `concurrentReads`: reads on connections of their own, beside the writer's, for a process
    /// that reads while it writes or reads in parallel (serve, analyze). Without, one connection
    /// reads and writes: for a one-shot command, a second connection and GRDB's set-up of a pool
    /// (the WAL file's size asked of Foundation, a table created and dropped) were 4% of a
    /// `check`'s profile samples. `clock` stamps the schema migrations this opening applies.
    public init(path: String, migrations: [Migration] = Schema.migrations, clock: any WallClock = SystemClock(),
                concurrentReads: Bool = false) throws {
        self.path = path
        try Store.prepareFile(path)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(Store.busyTimeout)
        configuration.label = "blackhole"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        database = try Store.retryingWhileBusy(path: path) {
            if concurrentReads { return try DatabasePool(path: path, configuration: configuration) }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            // What a pool does on opening, and a queue leaves to its owner.
            let mode = try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            guard mode == "wal" else { throw DatabaseError(message: "cannot switch to WAL (journal mode \(mode ?? "unknown"))") }
            return queue
        }
        try Migrator(migrations).migrate(self, at: clock.now())
    }

    /// Opening a new database switches it to WAL, which SQLite refuses at once (SQLITE_BUSY, no
    /// busy handler) while another process does the same: two `check`s started together on a
    /// fresh node. Tries again until the busy timeout.
    private static func retryingWhileBusy(path: String, _ body: () throws -> any DatabaseWriter) throws -> any DatabaseWriter {
        let deadline = ContinuousClock.now + .seconds(busyTimeout)
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            } catch {
                throw Store.describe(error, path: path)
            }
        }
    }

    /// Runs `body` in an immediate write transaction; errors become one operator-readable line.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try database.write(body) }
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try database.read(body) }
    }

    /// For a bulk writer (ingest): a page cache big enough for the indexes a batch touches (fewer
    /// re-reads from the OS) and fewer, larger WAL checkpoints. Not for serve: its larger
    /// checkpoints made the slowest answers slower (p99 45 ms to 175 ms, 2 clients) for no gain.
    func prepareForBulkWrites() throws {
        try writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384") }
    }

    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try database.writeWithoutTransaction(body) }
    }

    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BlackholeError {
            throw error
        } catch {
            throw Store.describe(error, path: path)
        }
    }

    /// Creates the folder (0700) and an empty file (0600) before SQLite opens it, so the
    /// database is never readable by others, not even for an instant.
    private static func prepareFile(_ path: String) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw BlackholeError(.database, "database \(path): is a directory, not a file") }
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try fileManager.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw BlackholeError(.database, "database \(path): cannot create folder \(folder): \(FileErrors.reason(error))")
            }
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno != EEXIST {
            throw BlackholeError(.database, "database \(path): cannot create file: \(String(cString: strerror(errno)))")
        }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether an error says the store cannot write at all now, whatever is written.
    static func cannotWrite(_ error: DatabaseError) -> Bool {
        [.SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_NOMEM].contains(error.resultCode)
    }

    static func describe(_ error: any Error, path: String) -> BlackholeError {
        guard let error = error as? DatabaseError else {
            return BlackholeError(.database, "database \(path): \(error)")
        }
        let reason: String
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            reason = "file is not a usable SQLite database (corrupt, or another kind of file)"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            reason = "still locked by another process after \(Int(busyTimeout))s; try again"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_IOERR:
            reason = "cannot write: \(error.message ?? "\(error.resultCode)")"
        case .SQLITE_FULL:
            reason = "disk is full"
        default:
            reason = error.message ?? "\(error.resultCode)"
        }
        return BlackholeError(.database, "database \(path): \(reason)")
    }
}
