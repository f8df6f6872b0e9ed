import AsyncHTTPClient
import Foundation
import GRDB
import Testing
@testable import BlackholeCore

/// The outbox against a real webhook receiver on 127.0.0.1.
@Suite(.serialized) struct DeliveryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func config(webhook: String, group: Bool = false) -> BlackholeCore.Configuration {
        var config = BlackholeCore.Configuration()
        config.alertRules = [AlertRule(id: "service_down", name: "Service Down", metric: "service.health.status",
                                       condition: .lt, threshold: 0.5, duration: 0, severity: .critical, notificationChannels: ["hook"])]
        config.notificationChannels = [NotificationChannel(name: "hook", kind: .webhook(url: webhook, timeout: 2, headers: ["X-Token": "t"]),
                                                           group: group)]
        return config
    }

    func deliver(_ store: Store, _ config: BlackholeCore.Configuration, clock: ManualClock, deadline: TimeInterval = 10) async throws -> DeliveryReport {
        try await withHTTPClient { http in
            // Retry pauses pass on the manual clock, at once.
            try await OutboxDelivery(store: store, senders: notificationSenders(config, http: http),
                                     clock: clock, maxAge: config.alerting.outboxMaxAge)
                .deliver(deadline: clock.now() + deadline)
        }
    }

    @Test func aDownReceiverGetsItOnALaterRunExactlyOnce() async throws {
        let server = try FixtureServer()
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        let config = config(webhook: server.url("/webhook"))
        try MetricStore(store).record([Sample("service.health.status", 0, labels: ["service": "identity"], time: t0)])
        try await server.setWebhook("down")
        _ = try AlertCycle(store: store, config: config, clock: clock).run()
        let first = try await deliver(store, config, clock: clock)
        #expect(first.delivered == 0 && first.waiting == 1 && first.failed.first?.error == "webhook answered HTTP 500")
        #expect(try await server.received().isEmpty)

        try await server.setWebhook("up")
        clock.advance(by: 60)
        try MetricStore(store).record([Sample("service.health.status", 0, labels: ["service": "identity"], time: clock.now())])
        _ = try AlertCycle(store: store, config: config, clock: clock).run()  // still firing: nothing new to send
        let second = try await deliver(store, config, clock: clock)
        #expect(second.delivered == 1 && second.waiting == 0)
        let third = try await deliver(store, config, clock: clock)
        #expect(third.delivered == 0)
        let received = try await server.received()
        #expect(received.count == 1 && received.first?["state"] as? String == "firing")
    }

    @Test func whatNoRunCouldDeliverIsGivenUpAndReportedAfterItsMaximumAge() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        let config = config(webhook: "http://127.0.0.1:1/hook")
        try MetricStore(store).record([Sample("service.health.status", 0, labels: ["service": "x"], time: t0)])
        _ = try AlertCycle(store: store, config: config, clock: clock).run()
        let first = try await deliver(store, config, clock: clock)
        #expect(first.failed.count == 1 && first.failed[0].error.localizedCaseInsensitiveContains("refused"))
        clock.advance(by: 25 * 3600)
        let later = try await deliver(store, config, clock: clock)
        #expect(later.expired.count == 1 && later.waiting == 0 && later.delivered == 0)
        #expect(try AlertStore(store).pendingNotifications() == 0)
        let row = try store.read { try Row.fetchOne($0, sql: "SELECT attempts, last_error, expired_ms FROM outbox") }
        #expect(row?["attempts"] as Int? == 1 && row?["expired_ms"] as Int64? != nil, "kept, marked, until the alerts retention prunes it")
    }

    @Test func aDeadReceiverDoesNotOverrunTheBudget() async throws {
        let server = try FixtureServer()
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        // A receiver that never answers in time: every try would wait for the whole timeout.
        let config = config(webhook: server.url("/slow?seconds=5"))
        try MetricStore(store).record((0..<5).map { Sample("service.health.status", 0, labels: ["service": "s\($0)"], time: t0) })
        _ = try AlertCycle(store: store, config: config, clock: clock).run()
        let started = Date()
        let report = try await withHTTPClient { http in
            try await OutboxDelivery(store: store, senders: notificationSenders(config, http: http),
                                     clock: SystemClock(), maxAge: 3600).deliver(deadline: Date() + 1.5)
        }
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(report.delivered == 0 && report.waiting == 5)
    }

    @Test func aFailureIsTriedAgainAfterPausesWhileTheRunHasTimeForThem() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        try MetricStore(store).record([Sample("service.health.status", 0, labels: ["service": "x"], time: t0)])
        _ = try AlertCycle(store: store, config: config(webhook: "http://127.0.0.1:1/unused"), clock: clock).run()
        let receiver = DownReceiver()
        var delivery = OutboxDelivery(store: store, senders: ["hook": (receiver, 2)], clock: clock, maxAge: 3600)
        delivery.retry = RetryPolicy(attempts: 3, baseDelay: 1, maxDelay: 10, jitter: .equal, random: { 0 })  // pauses of 0.5s, then 1s

        let report = try await delivery.deliver(deadline: t0 + 10)
        #expect(receiver.tries == 3 && clock.now() == t0 + 1.5, "three tries, the pauses waited on the clock")
        #expect(report.failed.first?.error == "down" && report.waiting == 1)

        // Time for the first pause and a try after it, not for the second pause.
        clock.advance(by: 60)
        _ = try await delivery.deliver(deadline: clock.now() + 1)
        #expect(receiver.tries == 5)
    }

    @Test func overlappingDeliveriesSendEachNotificationOnce() async throws {
        let server = try FixtureServer()
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        let config = config(webhook: server.url("/webhook"))
        try MetricStore(store).record((0..<20).map { Sample("service.health.status", 0, labels: ["service": "s\($0)"], time: t0) })
        _ = try AlertCycle(store: store, config: config, clock: clock).run()
        async let a = deliver(store, config, clock: clock)
        async let b = deliver(store, config, clock: clock)
        let (first, second) = try await (a, b)
        #expect(first.delivered + second.delivered == 20)
        let services = try await server.received().compactMap { $0["service"] as? String }
        #expect(services.count == 20 && Set(services).count == 20)
    }

    @Test func headersAndGroupsReachTheReceiver() async throws {
        let server = try FixtureServer()
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        let config = config(webhook: server.url("/webhook"), group: true)
        try MetricStore(store).record((0..<5).map { Sample("service.health.status", 0, labels: ["service": "s\($0)"], time: t0) })
        _ = try AlertCycle(store: store, config: config, clock: clock).run()
        #expect(try await deliver(store, config, clock: clock).delivered == 1)
        let received = try await server.received()
        #expect(received.count == 1 && (received.first?["alerts"] as? [Any])?.count == 5)
    }

    @Test func logChannelWritesOneJSONLinePerAlert() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("alerts.log")
        let sender = LogSender(path: path)
        let payload = Data(#"{"alerts":[{"alert_id":"a","severity":"critical"},{"alert_id":"b","severity":"info"}]}"#.utf8)
        try await sender.send(payload, timeout: 1)
        try await sender.send(Data(#"{"alert_id":"c"}"#.utf8), timeout: 1)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines == [#"{"alert_id":"a","severity":"critical"}"#, #"{"alert_id":"b","severity":"info"}"#, #"{"alert_id":"c"}"#])
    }
}

/// A receiver that is always down, counting the tries.
private final class DownReceiver: NotificationSender, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var tries: Int { lock.withLock { count } }

    func send(_ payload: Data, timeout: TimeInterval) async throws {
        lock.withLock { count += 1 }
        throw BlackholeError(.environment, "down")
    }
}

@Suite struct AlertCycleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func stateHistoryAndOutboxAreWrittenTogether() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        var config = BlackholeCore.Configuration()
        config.alertRules = [AlertRule(id: "high_cpu_usage", name: "High CPU", metric: "system.cpu.usage_percent", condition: .gt,
                                       threshold: 80, duration: 120, severity: .warning, notificationChannels: ["log"])]
        config.notificationChannels = [NotificationChannel(name: "log", kind: .log(path: nil))]
        let metrics = MetricStore(store)
        let cycle = AlertCycle(store: store, config: config, clock: clock)
        for minute in 0...3 {
            try metrics.record([Sample("system.cpu.usage_percent", 95, time: clock.now())])
            _ = try cycle.run()
            #expect(try AlertStore(store).active().first?.phase == (minute < 2 ? .pending : .firing), "minute \(minute)")
            clock.advance(by: 60)
        }
        try metrics.record([Sample("system.cpu.usage_percent", 10, time: clock.now())])
        _ = try cycle.run()
        #expect(try AlertStore(store).active().isEmpty)
        #expect(try AlertStore(store).history(since: t0).map(\.event) == ["firing", "resolved"])
        #expect(try AlertStore(store).pendingNotifications() == 2)

        let fired = try AlertStore(store).history(since: t0)[0]
        #expect(fired.time == t0 + 120 && fired.ruleID == "high_cpu_usage" && fired.severity == .warning)
    }

    /// Alertmanager hears every run while an alert fires; while it is unreachable, only the newest
    /// state of each alert waits, not one per run.
    @Test func aNewerStateReplacesTheOneStillWaiting() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        var config = BlackholeCore.Configuration()
        config.alertRules = [AlertRule(id: "service_down", name: "Service Down", metric: "service.health.status", condition: .lt,
                                       threshold: 0.5, duration: 0, severity: .critical, notificationChannels: ["am", "log"])]
        config.notificationChannels = [NotificationChannel(name: "am", kind: .alertmanager(urls: ["http://127.0.0.1:9"], timeout: 1, headers: [:])),
                                       NotificationChannel(name: "log", kind: .log(path: nil))]
        let cycle = AlertCycle(store: store, config: config, clock: clock)
        for _ in 0..<5 {
            try MetricStore(store).record([Sample("service.health.status", 0, labels: ["service": "db"], time: clock.now()),
                                           Sample("service.health.status", 0, labels: ["service": "cache"], time: clock.now())])
            _ = try cycle.run()
            clock.advance(by: 60)
        }
        let waiting = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT channel, payload FROM outbox ORDER BY id").map { ($0["channel"] as String, $0["payload"] as Data) }
        }
        #expect(waiting.filter { $0.0 == "am" }.count == 2, "one waiting state per alert")
        #expect(waiting.filter { $0.0 == "log" }.count == 2, "people's channels keep what they were sent")
        let newest = try waiting.filter { $0.0 == "am" }.flatMap { try AlertPayload.decode($0.1) }
        #expect(newest.allSatisfy { $0.metadata.count == 5 }, "the last run's state")
    }

    @Test func acknowledgingNeedsAFiringAlertAndAnUnambiguousId() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(t0)
        var config = BlackholeCore.Configuration()
        config.alertRules = [AlertRule(id: "r", name: "R", metric: "m", condition: .gt, threshold: 0, duration: 0)]
        try MetricStore(store).record([Sample("m", 1, time: t0)])
        let alert = try #require(try AlertCycle(store: store, config: config, clock: clock).run().active.first)
        #expect(throws: BlackholeError.self) { try AlertStore(store).acknowledge("zzzz", at: t0) }
        let acked = try AlertStore(store).acknowledge(String(alert.id.prefix(6)), at: t0 + 5)
        #expect(acked.acknowledgedAt == t0 + 5)
        #expect(try AlertStore(store).active().first?.acknowledgedAt == t0 + 5)
        #expect(try AlertStore(store).history(since: t0).map(\.event) == ["firing", "acknowledged"])
    }
}
