import Foundation
import Testing
import TestSupport
@testable import BlackholeCore

/// serve's group commit: concurrent requests are all committed and each is answered with what it
/// stored; a full queue refuses at once instead of growing.
@Suite struct CommitQueueTests {
    let dir = TemporaryDirectory()

    func spans(_ count: Int, trace: Data = Span.newTraceID()) -> [Span] {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<count).map { index in
            Span(traceID: trace, spanID: Span.newSpanID(), parentSpanID: nil, name: "op \(index)", start: start, end: start + 0.1,
                 statusCode: .unset, service: "storage")
        }
    }

    @Test func concurrentRequestsAreAllCommittedAndEachToldWhatItStored() async throws {
        let store = try Store(path: dir.file("t.db"))
        let queue = CommitQueue(store: store, maxTransactionItems: 150)
        let batches = (0..<20).map { _ in spans(50) }
        let results = try await withThrowingTaskGroup(of: SpanWriteResult.self) { group in
            for (index, batch) in batches.enumerated() {
                let samples = [Sample("queue.depth", Double(index), labels: ["request": "\(index)"], time: Date())]
                group.addTask { try await queue.commit(spans: SpanBatch(batch), samples: samples) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == SpanWriteResult(stored: 50, duplicates: 0) })
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM spans") } == 1000)
        #expect(try MetricStore(store).latest(name: "queue.depth").count == 20)
        // The same spans again: duplicates, stored once.
        #expect(try await queue.commit(spans: SpanBatch(batches[3]), samples: []) == SpanWriteResult(stored: 0, duplicates: 50))
        #expect(queue.depth == 0)
        queue.close()
        await #expect(throws: BlackholeError.self) { try await queue.commit(spans: SpanBatch(spans(1)), samples: []) }
    }

    @Test func aFullQueueRefusesAtOnceAndCommitsWhatItTook() async throws {
        let store = try Store(path: dir.file("t.db"))
        let queue = CommitQueue(store: store, capacity: 100)
        // Another process holds the write lock: the writer waits, and what it took waits with it.
        let lock = try DatabaseLock(dir.file("t.db"))
        let first = Task { try await queue.commit(spans: SpanBatch(spans(80)), samples: []) }
        while queue.depth < 80 { try await Task.sleep(for: .milliseconds(10)) }
        await #expect(throws: CommitQueue.Full.self) { try await queue.commit(spans: SpanBatch(spans(30)), samples: []) }
        lock.release()
        #expect(try await first.value.stored == 80)
        #expect(queue.depth == 0)
        queue.close()
    }
}
