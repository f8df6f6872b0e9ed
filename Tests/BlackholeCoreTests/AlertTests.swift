import Foundation
import Testing
@testable import BlackholeCore

/// The life cycle with the clock as a parameter: a 2-minute `for` tested in microseconds.
@Suite struct AlertEvaluatorTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cpu = AlertRule(id: "high_cpu_usage", name: "High CPU Usage", metric: "system.cpu.usage_percent", condition: .gt,
                        threshold: 80, duration: 120, severity: .warning)

    func sample(_ value: Double, at time: Date, labels: [String: String] = [:]) -> Sample {
        Sample("system.cpu.usage_percent", value, labels: labels, time: time)
    }

    func step(_ active: [ActiveAlert], _ samples: [Sample], at time: Date, rules: [AlertRule]? = nil) -> AlertEvaluator.Result {
        AlertEvaluator.evaluate(rules: rules ?? [cpu], latest: samples, active: active, now: time, staleness: 300)
    }

    @Test func pendingThenFiringThenResolved() {
        var result = step([], [sample(90, at: t0)], at: t0)
        #expect(result.active.map(\.phase) == [.pending] && result.transitions.isEmpty)
        result = step(result.active, [sample(91, at: t0 + 60)], at: t0 + 60)
        #expect(result.active.map(\.phase) == [.pending] && result.transitions.isEmpty)
        result = step(result.active, [sample(92, at: t0 + 120)], at: t0 + 120)
        #expect(result.active.map(\.phase) == [.firing])
        #expect(result.transitions.map(\.kind) == [.firing])
        #expect(result.active.first?.firedAt == t0 + 120 && result.active.first?.activeSince == t0)
        result = step(result.active, [sample(95, at: t0 + 180)], at: t0 + 180)
        #expect(result.transitions.isEmpty && result.active.first?.count == 2 && result.active.first?.value == 95)
        let firing = result.active
        result = step(firing, [sample(50, at: t0 + 240)], at: t0 + 240)
        #expect(result.active.isEmpty)
        #expect(result.transitions.map(\.kind) == [.resolved])
        #expect(result.transitions.first?.alert.id == firing.first?.id)
    }

    @Test func aConditionThatStopsWhilePendingNeverFires() {
        var result = step([], [sample(90, at: t0)], at: t0)
        result = step(result.active, [sample(10, at: t0 + 60)], at: t0 + 60)
        #expect(result.active.isEmpty && result.transitions.isEmpty)
        result = step(result.active, [sample(90, at: t0 + 120)], at: t0 + 120)
        #expect(result.active.first?.phase == .pending && result.active.first?.activeSince == t0 + 120)
    }

    @Test func zeroDurationFiresAtOnce() {
        var rule = cpu
        rule.duration = 0
        let result = step([], [sample(90, at: t0)], at: t0, rules: [rule])
        #expect(result.active.first?.phase == .firing && result.transitions.map(\.kind) == [.firing])
    }

    @Test func eachSeriesIsItsOwnAlertAndAGoneSeriesResolves() {
        var rule = cpu
        rule.duration = 0
        rule.metric = "system.disk.usage_percent"
        let disks = [Sample("system.disk.usage_percent", 95, labels: ["path": "/"], time: t0),
                     Sample("system.disk.usage_percent", 97, labels: ["path": "/var"], time: t0),
                     Sample("system.disk.usage_percent", 20, labels: ["path": "/home"], time: t0)]
        var result = step([], disks, at: t0, rules: [rule])
        #expect(Set(result.active.map { $0.labels["path"]! }) == ["/", "/var"])
        #expect(Set(result.active.map(\.id)).count == 2)
        // /var stops reporting: after the staleness window it is gone, and its alert resolves.
        let later = [Sample("system.disk.usage_percent", 96, labels: ["path": "/"], time: t0 + 400), disks[1]]
        result = step(result.active, later, at: t0 + 400, rules: [rule])
        #expect(result.active.map { $0.labels["path"]! } == ["/"])
        #expect(result.transitions.map { $0.alert.labels["path"]! } == ["/var"])
    }

    @Test func ruleLabelsSelectSeriesAndConditionsCompare() {
        var rule = cpu
        rule.duration = 0
        rule.labels = ["path": "/"]
        rule.metric = "system.disk.usage_percent"
        let result = step([], [Sample("system.disk.usage_percent", 95, labels: ["path": "/"], time: t0),
                               Sample("system.disk.usage_percent", 99, labels: ["path": "/var"], time: t0)], at: t0, rules: [rule])
        #expect(result.active.map { $0.labels["path"]! } == ["/"])
        #expect(AlertEvaluator.holds(.lt, 0, 0.5) && !AlertEvaluator.holds(.lt, 0.5, 0.5))
        #expect(AlertEvaluator.holds(.eq, 3, 3) && AlertEvaluator.holds(.ne, 3, 4) && !AlertEvaluator.holds(.gt, 80, 80))
    }

    @Test func messagesNameTheRootCause() {
        let rule = AlertRule(id: "service_down", name: "Service Down", metric: "service.health.status", condition: .lt,
                             threshold: 0.5, duration: 0, severity: .critical)
        let result = AlertEvaluator.evaluate(
            rules: [rule], latest: [Sample("service.health.status", 0, labels: ["service": "identity"], time: t0)],
            active: [], now: t0, staleness: 300, rootCauses: ["identity": "storage"])
        #expect(result.active.first?.message ==
            "Service Down: service.health.status{service=\"identity\"} = 0 (< 0.5); probable root cause: storage is unhealthy")
        #expect(result.active.first?.type == "service_health")
    }

    @Test func fingerprintsAreStableAndLabelOrderFree() {
        let a = ActiveAlert.fingerprint(ruleID: "r", labels: ["a": "1", "b": "2"])
        #expect(a == ActiveAlert.fingerprint(ruleID: "r", labels: ["b": "2", "a": "1"]))
        #expect(a != ActiveAlert.fingerprint(ruleID: "r", labels: ["a": "1"]))
        #expect(a.count == 16)
    }
}

@Suite struct NotificationPlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var rule = AlertRule(id: "service_down", name: "Service Down", metric: "service.health.status", condition: .lt,
                         threshold: 0.5, duration: 0, severity: .critical, notificationChannels: ["hook", "log"])
    let channels = [NotificationChannel(name: "hook", kind: .webhook(url: "http://h/x", timeout: 1, headers: [:])),
                    NotificationChannel(name: "log", kind: .log(path: nil), minSeverity: .info),
                    NotificationChannel(name: "pager", kind: .webhook(url: "http://h/p", timeout: 1, headers: [:]), minSeverity: .critical)]

    func down(_ service: String, at time: Date) -> Sample {
        Sample("service.health.status", 0, labels: ["service": service], time: time)
    }

    /// Runs evaluation and planning like one `check` run.
    func run(_ active: [ActiveAlert], _ samples: [Sample], at time: Date, silences: [Silence] = [],
             rules: [AlertRule]? = nil, channels: [NotificationChannel]? = nil) -> (active: [ActiveAlert], sent: [(String, [String: Any])]) {
        let evaluation = AlertEvaluator.evaluate(rules: rules ?? [rule], latest: samples, active: active, now: time, staleness: 300)
        let plan = NotificationPlanner.plan(evaluation, rules: rules ?? [rule], channels: channels ?? self.channels,
                                            silences: silences, repeatInterval: 4 * 3600, now: time)
        return (plan.active, plan.notifications.map { ($0.channel, (try? JSONSerialization.jsonObject(with: $0.payload)) as? [String: Any] ?? [:]) })
    }

    @Test func oneFiringOneResolvedAndRepeatsOnlyAfterTheInterval() {
        var state = run([], [down("identity", at: t0)], at: t0)
        #expect(state.sent.map(\.0) == ["hook", "log"])
        let body = state.sent[0].1
        #expect(body["state"] as? String == "firing" && body["severity"] as? String == "critical")
        #expect(body["service"] as? String == "identity" && body["type"] as? String == "service_health")
        #expect(body["alert_id"] as? String == state.active.first?.id && body.keys.contains("resolved_at"))
        #expect((body["metadata"] as? [String: Any])?["count"] as? Int == 1)

        for minute in 1...10 {
            state = run(state.active, [down("identity", at: t0 + Double(minute) * 60)], at: t0 + Double(minute) * 60)
            #expect(state.sent.isEmpty, "minute \(minute): a repeat is counted, not sent")
        }
        #expect(state.active.first?.count == 11)
        state = run(state.active, [down("identity", at: t0 + 4 * 3600)], at: t0 + 4 * 3600)
        #expect(state.sent.count == 2, "after the repeat interval it is sent again")

        let up = Sample("service.health.status", 1, labels: ["service": "identity"], time: t0 + 4 * 3600 + 60)
        state = run(state.active, [up], at: t0 + 4 * 3600 + 60)
        #expect(state.sent.map(\.0) == ["hook", "log"])
        #expect(state.sent[0].1["state"] as? String == "resolved" && state.sent[0].1["resolved_at"] as? String != nil)
        #expect(state.active.isEmpty)
    }

    @Test func silencesMuteAndWhatWasNeverSentIsNotResolved() {
        let silence = Silence(id: "s1", ruleID: "service_down", labels: ["service": "identity"], startsAt: t0, endsAt: t0 + 600, comment: "deploy")
        var state = run([], [down("identity", at: t0), down("storage", at: t0)], at: t0, silences: [silence])
        #expect(state.sent.count == 2 && state.sent.allSatisfy { $0.1["service"] as? String == "storage" })
        // Still firing when the silence ends: now it is announced.
        state = run(state.active, [down("identity", at: t0 + 600), down("storage", at: t0 + 600)], at: t0 + 600, silences: [silence])
        #expect(state.sent.count == 2 && state.sent.allSatisfy { $0.1["service"] as? String == "identity" })

        var quiet = run([], [down("identity", at: t0)], at: t0, silences: [silence])
        quiet = run(quiet.active, [], at: t0 + 400, silences: [silence])
        #expect(quiet.sent.isEmpty, "a silenced alert that resolves was never announced, so its resolution is not either")
    }

    @Test func acknowledgementStopsRepeatsButNotTheResolution() {
        var state = run([], [down("identity", at: t0)], at: t0)
        state.active[0].acknowledgedAt = t0 + 30
        state = run(state.active, [down("identity", at: t0 + 5 * 3600)], at: t0 + 5 * 3600)
        #expect(state.sent.isEmpty)
        state = run(state.active, [], at: t0 + 6 * 3600)
        #expect(state.sent.count == 2 && state.sent[0].1["state"] as? String == "resolved")
    }

    @Test func unacknowledgedCriticalAlertsEscalateOnce() {
        var escalating = rule
        escalating.escalationChannels = ["pager"]
        escalating.escalateAfter = 900
        var state = run([], [down("identity", at: t0)], at: t0, rules: [escalating])
        #expect(state.sent.map(\.0) == ["hook", "log"])
        state = run(state.active, [down("identity", at: t0 + 840)], at: t0 + 840, rules: [escalating])
        #expect(state.sent.isEmpty)
        state = run(state.active, [down("identity", at: t0 + 900)], at: t0 + 900, rules: [escalating])
        #expect(state.sent.map(\.0) == ["pager"])
        #expect((state.sent[0].1["metadata"] as? [String: Any])?["escalation"] as? Bool == true)
        #expect((state.sent[0].1["message"] as? String)?.hasPrefix("ESCALATED: ") == true)
        state = run(state.active, [down("identity", at: t0 + 960)], at: t0 + 960, rules: [escalating])
        #expect(state.sent.isEmpty, "escalated once")
        state = run(state.active, [], at: t0 + 1000, rules: [escalating])
        #expect(state.sent.map(\.0).sorted() == ["hook", "log", "pager"], "the resolution reaches the escalation channel too")

        var acked = run([], [down("identity", at: t0)], at: t0, rules: [escalating])
        acked.active[0].acknowledgedAt = t0 + 60
        acked = run(acked.active, [down("identity", at: t0 + 900)], at: t0 + 900, rules: [escalating])
        #expect(acked.sent.isEmpty, "an acknowledged alert does not escalate")
    }

    @Test func groupingChannelsGetOneNotificationPerRun() {
        let grouped = [NotificationChannel(name: "hook", kind: .webhook(url: "http://h/x", timeout: 1, headers: [:]), group: true)]
        let outage = ["a", "b", "c", "d", "e"].map { down($0, at: t0) }
        let state = run([], outage, at: t0, channels: grouped)
        #expect(state.sent.count == 1)
        let alerts = state.sent.first?.1["alerts"] as? [[String: Any]]
        #expect(alerts?.count == 5 && Set(alerts?.compactMap { $0["service"] as? String } ?? []) == ["a", "b", "c", "d", "e"])
    }

    @Test func channelsDropWhatIsBelowTheirSeverity() {
        var warning = rule
        warning.severity = .warning
        warning.notificationChannels = ["log", "pager"]
        let state = run([], [down("x", at: t0)], at: t0, rules: [warning])
        #expect(state.sent.map(\.0) == ["log"])
    }

    @Test func alertmanagerHearsEveryRunWhileFiringAndTheResolution() throws {
        var withAM = rule
        withAM.notificationChannels = ["hook", "am"]
        withAM.description = "Service is not responding"
        let channels = self.channels + [NotificationChannel(name: "am", kind: .alertmanager(urls: ["http://am:9093"], timeout: 1, headers: [:]))]
        func notifications(_ active: [ActiveAlert], _ samples: [Sample], at time: Date, silences: [Silence] = []) -> NotificationPlanner.Plan {
            let evaluation = AlertEvaluator.evaluate(rules: [withAM], latest: samples, active: active, now: time, staleness: 300)
            return NotificationPlanner.plan(evaluation, rules: [withAM], channels: channels, silences: silences, repeatInterval: 4 * 3600, now: time)
        }
        var plan = notifications([], [down("identity", at: t0)], at: t0)
        #expect(plan.notifications.map(\.channel) == ["hook", "am"])
        let id = try #require(plan.active.first?.id)
        #expect(plan.notifications.map(\.replaces) == [nil, "\(id):firing"], "each firing replaces the firing before it")
        let body = try #require(try JSONSerialization.jsonObject(with: plan.notifications[1].payload) as? [String: Any])
        #expect(body["description"] as? String == "Service is not responding")

        // Not due for people; Alertmanager hears it again, acknowledged or not.
        plan = notifications(plan.active, [down("identity", at: t0 + 60)], at: t0 + 60)
        #expect(plan.notifications.map(\.channel) == ["am"])
        #expect(plan.active.first?.lastNotifiedAt == t0, "the repeat interval still counts from the last time people heard")
        var acknowledged = plan.active
        acknowledged[0].acknowledgedAt = t0 + 90
        plan = notifications(acknowledged, [down("identity", at: t0 + 120)], at: t0 + 120)
        #expect(plan.notifications.map(\.channel) == ["am"])
        let silence = Silence(id: "s", ruleID: "service_down", labels: [:], startsAt: t0, endsAt: t0 + 3600, comment: "")
        #expect(notifications(plan.active, [down("identity", at: t0 + 180)], at: t0 + 180, silences: [silence]).notifications.isEmpty)

        plan = notifications(plan.active, [], at: t0 + 240)
        #expect(plan.notifications.map(\.channel) == ["hook", "am"])
        let resolved = try #require(try JSONSerialization.jsonObject(with: plan.notifications[1].payload) as? [String: Any])
        #expect(resolved["state"] as? String == "resolved" && resolved["resolved_at"] is String)
    }

    @Test func alertmanagerAlertsCarryTheLabelsThatIdentifyThem() throws {
        var withAM = rule
        withAM.notificationChannels = ["am"]
        withAM.description = "down"
        let channels = [NotificationChannel(name: "am", kind: .alertmanager(urls: ["http://am:9093"], timeout: 1, headers: [:]))]
        let evaluation = AlertEvaluator.evaluate(rules: [withAM], latest: [Sample("service.health.status", 0, labels: ["service": "db", "zone": "a"], time: t0)],
                                                 active: [], now: t0, staleness: 300)
        let plan = NotificationPlanner.plan(evaluation, rules: [withAM], channels: channels, silences: [], repeatInterval: 3600, now: t0)
        let payload = try #require(try AlertPayload.decode(plan.notifications[0].payload).first)
        let postable = AlertmanagerSender.postable(payload, instance: "node1", generatorURL: "https://node1:4318/")
        #expect(postable["labels"] as? [String: String] == ["alertname": "service_down", "service": "db", "zone": "a",
                                                             "severity": "critical", "instance": "node1"])
        let annotations = postable["annotations"] as? [String: String]
        #expect(annotations?["description"] == "down" && annotations?["summary"]?.hasPrefix("Service Down: ") == true)
        #expect(postable["startsAt"] as? String == TimeText.rfc3339(t0) && postable["endsAt"] == nil)
        #expect(postable["generatorURL"] as? String == "https://node1:4318/")
    }
}
