import Foundation
import Testing
@testable import BlackholeCore

/// Remediation decisions over time, with a manual clock: no test waits for `after` or `grace`.
@Suite struct RemediationDecisionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var remediation: RemediationSettings {
        var settings = RemediationSettings(action: ["true"])
        settings.after = 120
        settings.grace = 60
        settings.maxAttempts = 2
        settings.window = 3600
        return settings
    }

    /// Decides at `now`, with `actions` the times of the actions so far; acts as check does
    /// (recording the action) when the decision is to act.
    func decide(_ status: HealthStatus, at now: Date, state: inout RemediationStore.State, actions: inout [Date],
                rootCause: String? = nil) -> RemediationDecision.Kind {
        let (kind, _) = Remediator.decide(remediation, status: status, rootCause: rootCause, state: &state,
                                          attemptsSince: { since in actions.filter { $0 >= since }.count }, now: now)
        if kind == .acted {
            actions.append(now)
            state.lastAction = now
        }
        return kind
    }

    @Test func actsAfterTheWaitNotInTheGraceAndStopsAtMaxAttempts() {
        var state = RemediationStore.State(), actions: [Date] = []
        #expect(decide(.degraded, at: t0, state: &state, actions: &actions) == .ok, "degraded is not acted on")
        #expect(decide(.unhealthy, at: t0 + 30, state: &state, actions: &actions) == .waiting)
        #expect(decide(.unhealthy, at: t0 + 149, state: &state, actions: &actions) == .waiting, "119 s of 120")
        #expect(decide(.unhealthy, at: t0 + 150, state: &state, actions: &actions) == .acted)
        // Starting slowly: not judged, nothing else runs, for the grace.
        #expect(decide(.unhealthy, at: t0 + 180, state: &state, actions: &actions) == .inGrace)
        #expect(decide(.unhealthy, at: t0 + 209, state: &state, actions: &actions) == .inGrace)
        #expect(decide(.unhealthy, at: t0 + 210, state: &state, actions: &actions) == .acted)
        #expect(decide(.unhealthy, at: t0 + 270, state: &state, actions: &actions) == .exhausted)
        #expect(decide(.unhealthy, at: t0 + 3000, state: &state, actions: &actions) == .exhausted)
        // The window moves on past the first action: one more is allowed.
        #expect(decide(.unhealthy, at: t0 + 3751, state: &state, actions: &actions) == .acted)
        #expect(actions == [t0 + 150, t0 + 210, t0 + 3751])
    }

    @Test func healthForAWholeGraceResetsTheAttempts() {
        var state = RemediationStore.State(), actions: [Date] = []
        _ = decide(.unhealthy, at: t0, state: &state, actions: &actions)
        #expect(decide(.unhealthy, at: t0 + 120, state: &state, actions: &actions) == .acted)
        #expect(decide(.unhealthy, at: t0 + 180, state: &state, actions: &actions) == .acted)
        #expect(decide(.healthy, at: t0 + 250, state: &state, actions: &actions) == .ok)
        // Down again before a whole grace of health: the attempts still count.
        #expect(decide(.unhealthy, at: t0 + 300, state: &state, actions: &actions) == .waiting)
        #expect(decide(.unhealthy, at: t0 + 420, state: &state, actions: &actions) == .exhausted)
        #expect(decide(.healthy, at: t0 + 500, state: &state, actions: &actions) == .ok)
        #expect(decide(.healthy, at: t0 + 560, state: &state, actions: &actions) == .ok)
        #expect(decide(.unhealthy, at: t0 + 600, state: &state, actions: &actions) == .waiting)
        #expect(decide(.unhealthy, at: t0 + 720, state: &state, actions: &actions) == .acted, "healthy from 500 to 560: a whole grace")
    }

    @Test func aDependencyDownAPauseAndARunningActionHoldItBack() {
        var state = RemediationStore.State(), actions: [Date] = []
        _ = decide(.unhealthy, at: t0, state: &state, actions: &actions)
        #expect(decide(.unhealthy, at: t0 + 200, state: &state, actions: &actions, rootCause: "db") == .dependencyRootCause)
        state.pausedUntil = t0 + 400
        #expect(decide(.unhealthy, at: t0 + 300, state: &state, actions: &actions) == .paused)
        state.runningUntil = t0 + 430
        #expect(decide(.unhealthy, at: t0 + 420, state: &state, actions: &actions) == .running)
        #expect(decide(.unhealthy, at: t0 + 430, state: &state, actions: &actions) == .acted)
    }
}

@Suite struct RemediationConfigTests {
    func problems(_ yaml: String) -> [String] {
        ConfigDecoding.decode(yaml: yaml, file: "c.yaml").1.map(\.description)
    }

    @Test func badRemediationsAreRefusedWhereTheyStand() {
        let found = problems("""
            health:
              check_interval: 30s
              services:
                a: { health_endpoint: "http://127.0.0.1:1/", remediation: { action: [] } }
                b: { health_endpoint: "http://127.0.0.1:1/", remediation: { action: [/etc] } }
                c: { health_endpoint: "http://127.0.0.1:1/", remediation: { action: no-such-program-here } }
                d: { health_endpoint: "http://127.0.0.1:1/", remediation: { action: [true], grace: 10s, max_attempts: 0 } }
                e: { health_endpoint: "http://127.0.0.1:1/", remediation: { grace: 1m } }
            """)
        #expect(found == [
            "c.yaml:4:73: health.services.a.remediation.action: the action is empty: give the program and its arguments",
            "c.yaml:5:73: health.services.b.remediation.action: /etc is not an executable file",
            "c.yaml:6:73: health.services.c.remediation.action: no-such-program-here is not on PATH (\(ProcessInfo.processInfo.environment["PATH"] ?? ""))",
            "c.yaml:7:88: health.services.d.remediation.grace: grace 10s is shorter than health.check_interval (30s)",
            "c.yaml:7:107: health.services.d.remediation.max_attempts: must be at least 1",
            "c.yaml:8:63: health.services.e.remediation: remediation needs an action (argv, e.g. [systemctl, restart, my-service])",
        ])
    }

    @Test func theBuiltInRuleFollowsTheServicesCriticalities() {
        var config = ConfigDecoding.decode(yaml: """
            health:
              services:
                a: { health_endpoint: "http://127.0.0.1:1/", criticality_level: critical, remediation: { action: [true] } }
                b: { health_endpoint: "http://127.0.0.1:1/", remediation: { action: "true --now", notify: always } }
                c: { health_endpoint: "http://127.0.0.1:1/" }
            notification_channels:
              - { name: log, type: log }
            """).0
        #expect(config.health.services[1].remediation?.action == ["true", "--now"])
        #expect(config.health.services[1].remediation?.notify == .always)
        let builtIn = config.rules.filter { $0.id == AlertRule.remediationExhausted }
        #expect(builtIn.map(\.severity) == [.critical, .warning])
        #expect(builtIn.map(\.labels) == [["criticality": "critical"], ["criticality": "important"]])
        #expect(builtIn.allSatisfy { $0.notificationChannels == ["log"] })
        // A rule of the file with that id takes its place.
        config.alertRules = [AlertRule(id: AlertRule.remediationExhausted, name: "mine", metric: "service.remediation.exhausted", condition: .gt, threshold: 0)]
        #expect(config.rules.map(\.name) == ["mine"])
    }
}
