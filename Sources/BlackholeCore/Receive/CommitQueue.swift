import Foundation
import GRDB

/// Group commit for the receivers: each request hands in its spans and samples and waits; one
/// writer thread commits everything waiting in one transaction, then answers each request. A
/// request is answered only after its data is committed, and concurrent requests share one
/// transaction instead of queueing for one each.
public final class CommitQueue: @unchecked Sendable {
    /// More items are waiting than `capacity`: the store cannot keep up; the sender should retry later.
    public struct Full: Error, Sendable {}

    private struct Entry {
        var spans: SpanBatch
        var samples: [Sample]
        var continuation: CheckedContinuation<SpanWriteResult, any Error>
        var items: Int { spans.count + samples.count }
    }

    private let store: Store
    private let capacity: Int
    private let maxTransactionItems: Int
    private let condition = NSCondition()
    private var entries: [Entry] = []
    private var waiting = 0
    private var closed = false
    private var stopped = false

    /// - Parameters:
    ///   - capacity: items (spans and samples) that may wait; a request beyond it is refused.
    ///   - maxTransactionItems: a transaction takes requests until it holds this many items.
    public init(store: Store, capacity: Int = 200_000, maxTransactionItems: Int = 20_000) {
        self.store = store
        self.capacity = capacity
        self.maxTransactionItems = maxTransactionItems
        let thread = Thread { [self] in writeLoop() }
        thread.name = "blackhole-commit"
        thread.start()
    }

    /// Items waiting to be committed, those being written included.
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// Commits `spans` and `samples` and returns once they are; throws `Full` at once when too
    /// much is waiting (a request alone in the queue is always taken, whatever its size).
    /// The batch is made on the request's own task, so requests prepare their rows in parallel.
    public func commit(spans: SpanBatch, samples: [Sample]) async throws -> SpanWriteResult {
        guard !spans.isEmpty || !samples.isEmpty else { return SpanWriteResult() }
        return try await withCheckedThrowingContinuation { continuation in
            let entry = Entry(spans: spans, samples: samples, continuation: continuation)
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume(throwing: BlackholeError(.environment, "shutting down"))
            } else if waiting > 0 && waiting + entry.items > capacity {
                condition.unlock()
                continuation.resume(throwing: Full())
            } else {
                entries.append(entry)
                waiting += entry.items
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Refuses new work, commits what is waiting, and returns when the writer has stopped.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func writeLoop() {
        while let batch = nextBatch() {
            let outcomes: [Result<SpanWriteResult, any Error>]
            do {
                outcomes = try write(batch).map { .success($0) }
            } catch let error as DatabaseError where Store.cannotWrite(error) {
                // The store itself cannot write now (disk full, locked past the busy timeout, I/O):
                // every request fails alike, at once, rather than each waiting for it again.
                outcomes = batch.map { _ in .failure(Store.describe(error, path: store.path)) }
            } catch {
                // Otherwise the batch is retried request by request: one bad request fails alone.
                outcomes = batch.map { entry in Result { try store.translatingErrors { try write([entry])[0] } } }
            }
            condition.lock()
            waiting -= batch.reduce(0) { $0 + $1.items }
            condition.unlock()
            for (entry, outcome) in zip(batch, outcomes) { entry.continuation.resume(with: outcome) }
        }
    }

    /// The requests for the next transaction; nil once closed and drained.
    private func nextBatch() -> [Entry]? {
        condition.lock()
        defer { condition.unlock() }
        while entries.isEmpty && !closed { condition.wait() }
        guard !entries.isEmpty else {
            stopped = true
            condition.broadcast()
            return nil
        }
        var count = 0
        var items = 0
        while count < entries.count && (count == 0 || items + entries[count].items <= maxTransactionItems) {
            items += entries[count].items
            count += 1
        }
        let batch = Array(entries.prefix(count))
        entries.removeFirst(count)
        return batch
    }

    /// One transaction for the whole batch; what each request stored and found already stored.
    private func write(_ batch: [Entry]) throws -> [SpanWriteResult] {
        try store.database.write { db in
            var inserts = SpanInsertBatch(db: db)
            var results: [SpanWriteResult] = []
            for entry in batch {
                let before = inserts.result
                try inserts.add(entry.spans)
                try MetricStore.insert(db, entry.samples)
                results.append(SpanWriteResult(stored: inserts.result.stored - before.stored,
                                               duplicates: inserts.result.duplicates - before.duplicates))
            }
            _ = try inserts.finish()
            return results
        }
    }
}
