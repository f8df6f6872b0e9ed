import Foundation
import GRDB

/// Delivers the outbox, oldest first, within a deadline: each notification is tried a few times
/// with backoff; what still fails waits for the next run, and the next, until it is older than
/// the maximum age, when it is given up and reported, never dropped in silence.
/// Rows are claimed before sending, so two overlapping runs never send the same one.
public struct OutboxDelivery: Sendable {
    let store: Store
    let senders: [String: (any NotificationSender, TimeInterval)]
    let clock: any WallClock
    let maxAge: TimeInterval
    /// Within one run, pauses of up to a quarter, then half a second: time for a blip to pass. A
    /// receiver down for longer is the next runs' to retry.
    var retry = RetryPolicy(attempts: 3, baseDelay: 0.25, maxDelay: 1, jitter: .equal)
    /// Less time than this left in the run is too little for a try to get an answer.
    static let shortestTry: TimeInterval = 0.05

    /// By channel, where a copy goes once that channel has failed to deliver it for long enough.
    let fallbacks: [String: Fallback]

    public struct Fallback: Sendable, Equatable {
        public let channel: String
        public let after: TimeInterval
    }

    public init(store: Store, senders: [String: (any NotificationSender, TimeInterval)], clock: any WallClock, maxAge: TimeInterval,
                fallbacks: [String: Fallback] = [:]) {
        self.store = store
        self.senders = senders
        self.clock = clock
        self.maxAge = maxAge
        self.fallbacks = fallbacks
    }

    /// The fallbacks the configuration names.
    public static func fallbacks(_ channels: [NotificationChannel]) -> [String: Fallback] {
        Dictionary(channels.compactMap { channel in channel.fallback.map { (channel.name, Fallback(channel: $0, after: channel.fallbackAfter)) } },
                   uniquingKeysWith: { first, _ in first })
    }

    struct Claimed {
        let id: Int64
        let channel: String
        let payload: Data
        let attempts: Int
    }

    /// Why a notification was not delivered; `permanent` when the receiver will never take it.
    struct Failure {
        let error: String
        var permanent = false
    }

    public func deliver(deadline: Date) async throws -> DeliveryReport {
        let now = clock.now()
        var report = DeliveryReport()
        let claimed = try store.write { db -> [Claimed] in
            let expired = try Row.fetchAll(db, sql: """
                SELECT id, channel, last_error FROM outbox
                WHERE expired_ms IS NULL AND created_ms < ?
                """, arguments: [MetricStore.milliseconds(now - maxAge)])
            for row in expired {
                report.expired.append(.init(channel: row["channel"], error: row["last_error"] ?? "never delivered"))
                try AlertStore.countNotification(db, channel: row["channel"], result: .expired)
            }
            try db.execute(sql: "UPDATE outbox SET expired_ms = ? WHERE expired_ms IS NULL AND created_ms < ?",
                           arguments: [MetricStore.milliseconds(now), MetricStore.milliseconds(now - maxAge)])
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, channel, payload, attempts FROM outbox
                WHERE expired_ms IS NULL AND (claimed_until_ms IS NULL OR claimed_until_ms < ?)
                ORDER BY id LIMIT 500
                """, arguments: [MetricStore.milliseconds(now)])
            let ids = rows.map { $0["id"] as Int64 }
            try db.execute(literal: "UPDATE outbox SET claimed_until_ms = \(MetricStore.milliseconds(deadline)) WHERE id IN \(ids)")
            return rows.map { Claimed(id: $0["id"], channel: $0["channel"], payload: $0["payload"], attempts: $0["attempts"]) }
        }
        // Channels in parallel, each channel's notifications in order.
        let outcomes = await withTaskGroup(of: [Outcome].self) { group in
            for channel in Set(claimed.map(\.channel)) {
                let mine = claimed.filter { $0.channel == channel }
                group.addTask { await deliver(mine, deadline: deadline) }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let finished = clock.now()
        try store.write { db in
            for (item, failure, tried) in outcomes {
                if tried { try AlertStore.recordTry(db, channel: item.channel, error: failure?.error, at: finished) }
                if let failure, failure.permanent {
                    // Kept, as expired notifications are, until the alerts' retention.
                    try db.execute(sql: "UPDATE outbox SET attempts = ?, last_error = ?, claimed_until_ms = NULL, expired_ms = ? WHERE id = ?",
                                   arguments: [item.attempts + 1, failure.error, MetricStore.milliseconds(finished), item.id])
                } else if let failure {
                    try db.execute(sql: """
                        UPDATE outbox SET attempts = ?, last_error = ?, claimed_until_ms = NULL, first_failed_ms = COALESCE(first_failed_ms, ?)
                        WHERE id = ?
                        """, arguments: [item.attempts + 1, failure.error, MetricStore.milliseconds(finished), item.id])
                    if let fallback = fallbacks[item.channel], try handOver(db, item, to: fallback, at: finished) {
                        report.fallbacks.append(.init(channel: item.channel, fallback: fallback.channel))
                    }
                } else {
                    try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [item.id])
                }
                try AlertStore.countNotification(db, channel: item.channel, result: failure == nil ? .delivered : .failed)
            }
            report.waiting = try AlertStore.pendingNotifications(db)
        }
        report.delivered = outcomes.filter { $0.failure == nil }.count
        report.failed = outcomes.compactMap { outcome in
            outcome.failure.map { .init(channel: outcome.item.channel, error: $0.permanent ? "given up: " + $0.error : $0.error) }
        }
        return report
    }

    /// Once a notification has been failing for the fallback's time, one copy of it, marked as
    /// such, joins the outbox for the fallback channel, in the same transaction that records it
    /// as handed over: the fallback gets it once, whatever runs come and go.
    private func handOver(_ db: Database, _ item: Claimed, to fallback: Fallback, at now: Date) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT first_failed_ms, fallback_sent FROM outbox WHERE id = ?", arguments: [item.id]),
              !(row["fallback_sent"] as Bool), let since = row["first_failed_ms"] as Int64?,
              MetricStore.milliseconds(now) - since >= Int64(fallback.after * 1000) else { return false }
        let copy = try AlertPayload.fallbackBody(item.payload, for: item.channel, now: now)
        try AlertStore.enqueue(db, [Notification(channel: fallback.channel, payload: copy)], at: now)
        try db.execute(sql: "UPDATE outbox SET fallback_sent = 1 WHERE id = ?", arguments: [item.id])
        return true
    }

    /// A notification, why it was not delivered (nil once it was), and whether its channel was
    /// tried for it (not when the channel is unknown, failed earlier in the run, or the run had
    /// no time left).
    typealias Outcome = (item: Claimed, failure: Failure?, tried: Bool)

    private func deliver(_ items: [Claimed], deadline: Date) async -> [Outcome] {
        var results: [Outcome] = []
        var channelDown = false
        for item in items {
            guard let (sender, timeout) = senders[item.channel] else {
                results.append((item, Failure(error: "channel \"\(item.channel)\" is not configured"), false))
                continue
            }
            // Once a channel has failed every try in this run, the rest of its queue waits too:
            // a dead receiver must not eat the run's whole budget. A notification refused for
            // good says nothing about the next one.
            if channelDown {
                results.append((item, Failure(error: "not tried: the channel failed earlier in this run"), false))
                continue
            }
            guard deadline.timeIntervalSince(clock.now()) > Self.shortestTry else {
                results.append((item, Failure(error: "no time left in this run"), false))
                continue
            }
            let failure = await send(item.payload, with: sender, timeout: timeout, deadline: deadline)
            channelDown = failure.map { !$0.permanent } ?? false
            results.append((item, failure, true))
        }
        return results
    }

    /// One notification, tried again while the run has time for the pause and a try after it,
    /// unless the receiver refused it for good. Returns why it was not delivered, or nil.
    private func send(_ payload: Data, with sender: any NotificationSender, timeout: TimeInterval, deadline: Date) async -> Failure? {
        do {
            try await retry.run(sleep: { await clock.sleep(for: $0) }) { _ in
                try await sender.send(payload, timeout: min(timeout, deadline.timeIntervalSince(clock.now())))
            } shouldRetry: { failure, pause in
                !(failure is PermanentDeliveryFailure) && deadline.timeIntervalSince(clock.now()) > pause + Self.shortestTry
            }
            return nil
        } catch {
            return Failure(error: BlackholeError.line(error), permanent: error is PermanentDeliveryFailure)
        }
    }
}

public struct DeliveryReport: Sendable, Equatable, Encodable {
    public struct Failure: Sendable, Equatable, Encodable {
        public let channel: String
        public let error: String
    }

    public var delivered = 0
    public var failed: [Failure] = []
    /// Given up after the outbox's maximum age.
    public var expired: [Failure] = []
    /// Copies handed to a fallback channel in this run (each delivered by a later run).
    public var fallbacks: [Handover] = []

    public struct Handover: Sendable, Equatable, Encodable {
        public let channel: String
        public let fallback: String
    }
    /// Still in the outbox for a later run.
    public var waiting = 0
}
