import Foundation
import GRDB

/// One evaluation of every rule against the store, as one transaction: read the alert state, the
/// newest samples and, for the rules that read history, their metrics' samples over their windows, evaluate, plan notifications, write the new state, the history and the
/// outbox together. Overlapping runs (cron beside `serve`) queue on the write lock, so the
/// second sees what the first decided and nothing is announced twice.
public struct AlertCycle: Sendable {
    let store: Store
    let config: Configuration
    let clock: any WallClock

    public init(store: Store, config: Configuration, clock: any WallClock) {
        self.store = store
        self.config = config
        self.clock = clock
    }

    public func run(rootCauses: [String: String] = [:]) throws -> AlertEvaluator.Result {
        let now = clock.now()
        return try store.write { db in
            let names = Set(config.rules.filter { !$0.condition.readsHistory }.map(\.metric))
            let latest = try MetricStore.latest(db, names: names)
            let history = try MetricStore.history(db, rules: config.rules, now: now)
            let evaluation = AlertEvaluator.evaluate(
                rules: config.rules, latest: latest, history: history, active: try AlertStore.active(db), now: now,
                staleness: config.alerting.staleness, rootCauses: rootCauses)
            let plan = NotificationPlanner.plan(
                evaluation, rules: config.rules, channels: config.notificationChannels,
                silences: try AlertStore.silences(db, at: now), repeatInterval: config.alerting.repeatInterval, now: now)
            try AlertStore.replaceActive(db, with: plan.active)
            for transition in evaluation.transitions {
                try AlertStore.appendEvent(db, event: transition.kind.rawValue, alert: transition.alert, at: now)
            }
            for alert in plan.active where alert.escalatedAt == now {
                try AlertStore.appendEvent(db, event: "escalated", alert: alert, at: now)
            }
            try AlertStore.enqueue(db, plan.notifications, at: now)
            return AlertEvaluator.Result(active: plan.active, transitions: evaluation.transitions)
        }
    }
}
