import Foundation
import GRDB

/// What remediation decided for one service in a run.
public struct RemediationDecision: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable {
        /// Not unhealthy: nothing to do.
        case ok
        /// Unhealthy, for less than `after` so far.
        case waiting
        /// An action ran less than `grace` ago: the service is not judged yet.
        case inGrace = "in_grace"
        /// The action ran in this run (see `action`).
        case acted
        /// `max_attempts` actions within `window` did not bring it back.
        case exhausted
        /// Paused by `remediate --pause`.
        case paused
        /// A dependency is down: acting on this service would not help.
        case dependencyRootCause = "dependency_root_cause"
        /// Another run's action holds the lease.
        case running
    }

    public let service: String
    public let decision: Kind
    public let detail: String
    /// The action's record, once it ran.
    public var action: Remediation?

    enum CodingKeys: String, CodingKey { case service, decision, detail, action }
}

/// Runs each service's remediation when the service has been unhealthy long enough, at most once
/// per grace and `max_attempts` per window, never twice at once (a lease in the store, taken in
/// the same transaction as the decision), and records each action, its span and its outcome.
public struct Remediator: Sendable {
    let store: Store
    let clock: any WallClock
    /// The node's environment, which actions run with (plus BLACKHOLE_SERVICE, BLACKHOLE_REASON
    /// and TRACEPARENT).
    let environment: [String: String]

    public init(store: Store, clock: any WallClock, environment: [String: String]) {
        self.store = store
        self.clock = clock
        self.environment = environment
    }

    /// The lease outlives the action's timeout by this much: the action's own kill grace and the
    /// writes after it. A killed run's lease expires by itself.
    static let leaseMargin: TimeInterval = 15

    /// The automatic part of a `check` run, after the probes: decides for every service with a
    /// remediation, runs the actions due, records `service.remediation.exhausted`, and queues
    /// the notifications `notify` asks for.
    public func run(_ config: Configuration, health: HealthReport) async throws -> [RemediationDecision] {
        let services = config.health.services.filter { $0.remediation != nil }
        guard !services.isEmpty else { return [] }
        let now = clock.now()
        var decisions: [RemediationDecision] = []
        var starts: [Start] = []
        var judged: [(ServiceSettings, Remediation)] = []
        try store.write { db in
            var exhausted: [Sample] = []
            for service in services {
                let status = health.services.first { $0.name == service.name }?.status ?? .unknown
                let remediation = service.remediation!
                var state = try RemediationStore.state(db, service.name)
                judged += try RemediationStore.judge(db, service: service.name, grace: remediation.grace, status: status, at: now)
                    .map { (service, $0) }
                let (kind, detail) = try Self.decide(remediation, status: status, rootCause: health.rootCauses[service.name], state: &state,
                                                 attemptsSince: { try RemediationStore.attempts(db, service.name, since: $0) }, now: now)
                if kind == .acted {
                    starts.append(try begin(db, service, trigger: .automatic, reason: detail, status: status, state: &state, at: now))
                }
                try RemediationStore.save(db, service.name, state)
                decisions.append(RemediationDecision(service: service.name, decision: kind, detail: detail))
                exhausted.append(Sample("service.remediation.exhausted", kind == .exhausted ? 1 : 0,
                                        labels: ["service": service.name, "criticality": service.criticality.rawValue], time: now))
            }
            try MetricStore.insert(db, exhausted)
        }
        let finished = await withTaskGroup(of: Remediation.self) { group in
            for start in starts { group.addTask { await execute(start) } }
            return await group.reduce(into: [Remediation]()) { $0.append($1) }
        }
        for index in decisions.indices {
            decisions[index].action = finished.first { $0.service == decisions[index].service }
        }
        try notify(config, finished: finished, judged: judged)
        return decisions
    }

    /// The decision for one service, advancing its state: since when it has been unhealthy,
    /// healthy (a whole grace of health resets the attempts), and whether it is time to act.
    static func decide(_ remediation: RemediationSettings, status: HealthStatus, rootCause: String?, state: inout RemediationStore.State,
                       attemptsSince: (Date) throws -> Int, now: Date) rethrows -> (RemediationDecision.Kind, String) {
        if status == .unhealthy {
            state.unhealthySince = state.unhealthySince ?? now
            state.healthySince = nil
        } else {
            state.unhealthySince = nil
            state.healthySince = status == .healthy ? state.healthySince ?? now : nil
        }
        if let healthy = state.healthySince, now.timeIntervalSince(healthy) >= remediation.grace, state.attemptsFrom.map({ $0 < healthy }) ?? true {
            state.attemptsFrom = healthy
        }
        if let until = state.pausedUntil, until > now {
            return (.paused, "paused until \(TimeText.rfc3339(until))")
        }
        if let until = state.runningUntil, until > now {
            return (.running, "an action started \(state.lastAction.map { DurationText.format(now.timeIntervalSince($0)) + " ago" } ?? "earlier") is still running")
        }
        if let last = state.lastAction, now.timeIntervalSince(last) < remediation.grace {
            return (.inGrace, "action ran \(DurationText.format(now.timeIntervalSince(last))) ago; judged after \(DurationText.format(remediation.grace))")
        }
        guard status == .unhealthy, let since = state.unhealthySince else {
            return (.ok, status == .healthy ? "healthy" : "\(status.rawValue); only an unhealthy service is acted on")
        }
        if let rootCause {
            return (.dependencyRootCause, rootCause)
        }
        let unhealthyFor = now.timeIntervalSince(since)
        if unhealthyFor < remediation.after {
            return (.waiting, "unhealthy for \(DurationText.format(unhealthyFor)) of \(DurationText.format(remediation.after))")
        }
        let attempts = try attemptsSince(max(now - remediation.window, state.attemptsFrom ?? .distantPast))
        if attempts >= remediation.maxAttempts {
            return (.exhausted, "\(attempts) action\(attempts == 1 ? "" : "s") within \(DurationText.format(remediation.window)) did not bring it back")
        }
        return (.acted, "unhealthy for \(DurationText.format(unhealthyFor)) (attempt \(attempts + 1) of \(remediation.maxAttempts))")
    }

    /// An action about to run: its record, lease and inputs.
    struct Start: Sendable {
        let id: Int64
        let service: ServiceSettings
        let trigger: Remediation.Trigger
        let reason: String
        let health: HealthStatus
        let started: Date
    }

    /// Takes the lease and starts the record, inside the caller's transaction.
    func begin(_ db: Database, _ service: ServiceSettings, trigger: Remediation.Trigger, reason: String, status: HealthStatus,
               state: inout RemediationStore.State, at now: Date) throws -> Start {
        let remediation = service.remediation!
        state.lastAction = now
        state.runningUntil = now + remediation.timeout + Self.leaseMargin
        let id = try RemediationStore.begin(db, service: service.name, trigger: trigger, reason: reason, action: remediation.action,
                                            health: status, at: now)
        return Start(id: id, service: service, trigger: trigger, reason: reason, health: status, started: now)
    }

    /// Runs the action now, whatever the service's state, unless another action holds the lease
    /// (`telemetry remediate SERVICE`). A pause does not stop it: the operator asked.
    public func runNow(_ service: ServiceSettings, status: HealthStatus, reason: String) async throws -> Remediation {
        let now = clock.now()
        let start = try store.write { db -> Start in
            var state = try RemediationStore.state(db, service.name)
            if let until = state.runningUntil, until > now {
                throw BlackholeError(.environment, "\(service.name): an action is already running (its lease ends \(TimeText.rfc3339(until)))")
            }
            let start = try begin(db, service, trigger: .manual, reason: reason, status: status, state: &state, at: now)
            try RemediationStore.save(db, service.name, state)
            return start
        }
        return await execute(start)
    }

    /// Runs the action, bounded by its timeout, and records how it went and its span.
    func execute(_ start: Start) async -> Remediation {
        let remediation = start.service.remediation!
        let trace = TraceParent(traceID: Span.newTraceID(), spanID: Span.newSpanID(), flags: 1)
        var env = environment
        env["BLACKHOLE_SERVICE"] = start.service.name
        env["BLACKHOLE_REASON"] = start.reason
        env["TRACEPARENT"] = trace.header
        let result: Remediation.Result
        var exitStatus: Int32?
        var output = ""
        var duration: TimeInterval = 0
        do {
            let run = try await ChildProcess.runBounded(remediation.action, environment: env.map { "\($0.key)=\($0.value)" }.sorted(),
                                                        timeout: remediation.timeout)
            duration = run.duration
            output = run.tail
            switch run.end {
            case .exited(let code):
                exitStatus = code
                result = code == 0 ? .succeeded : .failed
            case .signalled(let signal):
                output += "\n(killed by signal \(signal))"
                result = .failed
            case .timedOut:
                output += "\n(timed out after \(DurationText.format(remediation.timeout)); killed with its process group)"
                result = .timedOut
            }
        } catch {
            output = BlackholeError.line(error)
            result = .notStarted
        }
        let records = RemediationStore(store)
        try? records.finish(start.id, service: start.service.name, result: result, exitStatus: exitStatus, duration: duration, output: output)
        let span = Span(traceID: trace.traceID, spanID: trace.spanID, parentSpanID: nil, name: "remediation.run",
                        start: start.started, end: start.started + duration, statusCode: result == .succeeded ? .ok : .error,
                        statusMessage: result == .succeeded ? "" : "\(result.rawValue): \(output.split(separator: "\n").last ?? "")",
                        attributes: ["blackhole.service": .string(start.service.name), "remediation.result": .string(result.rawValue),
                                     "remediation.reason": .string(start.reason),
                                     "process.command_args": .string(remediation.action.joined(separator: " "))]
                            .merging(exitStatus.map { ["process.exit.code": .int(Int64($0))] } ?? [:]) { $1 },
                        service: "blackhole")
        try? SpanStore(store).write([span])
        return Remediation(id: start.id, time: start.started, service: start.service.name, trigger: start.trigger, reason: start.reason,
                           action: remediation.action, healthBefore: start.health, result: result, exitStatus: exitStatus,
                           duration: duration, output: output)
    }

    /// Notifications through the channels, as `notify` says: each action (always), or actions
    /// that failed and services still unhealthy after the grace (on_failure).
    func notify(_ config: Configuration, finished: [Remediation], judged: [(ServiceSettings, Remediation)]) throws {
        let now = clock.now()
        var messages: [NotificationPlanner.Message] = []
        func message(_ service: ServiceSettings, _ record: Remediation, failed: Bool, text: String) {
            let labels = ["service": service.name, "remediation": "\(record.id)"]
            let alert = ActiveAlert(
                id: ActiveAlert.fingerprint(ruleID: "remediation", labels: labels), ruleID: "remediation", metric: "service.remediation",
                labels: labels, severity: failed ? service.criticality.severity : .info, phase: .firing, value: failed ? 0 : 1,
                activeSince: record.time, firedAt: record.time, lastSeen: now, count: 1, message: text, lastNotifiedAt: nil,
                acknowledgedAt: nil, escalatedAt: nil)
            messages.append(NotificationPlanner.Message(alert: alert, state: .firing, escalation: false,
                                                        channels: config.notificationChannels.map(\.name)))
        }
        let command = { (record: Remediation) in record.action.joined(separator: " ") }
        for record in finished {
            guard let service = config.health.services.first(where: { $0.name == record.service }), let policy = service.remediation?.notify
            else { continue }
            let failed = record.result != .succeeded
            guard policy == .always || (policy == .onFailure && failed) else { continue }
            let how = record.result == .succeeded ? "exited 0" : record.exitStatus.map { "exited \($0)" } ?? record.result.rawValue.replacingOccurrences(of: "_", with: " ")
            let last = record.output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            message(service, record, failed: failed,
                    text: "Remediation of \(record.service): \(command(record)) \(how) in \(DurationText.format(record.duration ?? 0))\(failed ? last : "")")
        }
        for (service, record) in judged where record.healthAfter != .healthy && service.remediation?.notify != .never {
            message(service, record, failed: true,
                    text: "\(record.service) still \(record.healthAfter?.rawValue ?? "unknown") \(DurationText.format(service.remediation!.grace)) after remediation (\(command(record)))")
        }
        guard !messages.isEmpty else { return }
        let notifications = NotificationPlanner.route(messages, channels: config.notificationChannels, now: now)
        try store.write { db in try AlertStore.enqueue(db, notifications, at: now) }
    }
}
