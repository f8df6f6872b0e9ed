import Foundation

/// The effective configuration: the YAML file's settings over built-in defaults.
/// Each setting is named after its key in the file (`health.unhealthy_timeout`, `alert_rules`, ...).
public struct Configuration: Sendable, Equatable {
    public var storage = StorageSettings()
    public var health = HealthSettings()
    public var resources = ResourceSettings()
    public var p2p = P2PSettings()
    public var serve = ServeAddresses()
    public var tracing = TracingSettings()
    public var alerting = AlertingSettings()
    public var alertRules: [AlertRule] = []
    public var notificationChannels: [NotificationChannel] = []

    public init() {}

    /// The rules evaluated: the file's, then the built-in `remediation_exhausted` (one per
    /// criticality of the services with a remediation) unless the file has a rule of that id.
    public var rules: [AlertRule] {
        guard !alertRules.contains(where: { $0.id == AlertRule.remediationExhausted }) else { return alertRules }
        let levels = Set(health.services.filter { $0.remediation != nil }.map(\.criticality))
        return alertRules + Criticality.allCases.filter(levels.contains).map { criticality in
            var rule = AlertRule(id: AlertRule.remediationExhausted, name: "Remediation exhausted", metric: "service.remediation.exhausted",
                                 condition: .gt, threshold: 0.5)
            rule.description = "The service's remediation ran max_attempts times within its window and the service is still unhealthy"
            rule.severity = criticality.severity
            rule.labels = ["criticality": criticality.rawValue]
            rule.notificationChannels = notificationChannels.map(\.name)
            return rule
        }
    }
}

/// Every kind of data the store keeps, each with its own retention (`storage.retention.KIND`).
public enum DataKind: String, CaseIterable, Sendable, Codable {
    case metrics, spans, alerts, peers

    public var defaultRetention: TimeInterval {
        switch self {
        case .metrics: 24 * 3600
        case .spans: 72 * 3600
        case .alerts, .peers: 7 * 86_400
        }
    }
}

public struct StorageSettings: Sendable, Equatable {
    /// Database file; `nil` means `$XDG_STATE_HOME/blackhole/telemetry.db`.
    public var path: String?
    public var retention: [DataKind: TimeInterval] = Dictionary(
        uniqueKeysWithValues: DataKind.allCases.map { ($0, $0.defaultRetention) })
}

public struct HealthSettings: Sendable, Equatable {
    public var checkInterval: TimeInterval = 30
    public var unhealthyTimeout: TimeInterval = 120
    public var services: [ServiceSettings] = []
}

public enum Criticality: String, CaseIterable, Sendable, Codable {
    case critical, important, optional

    /// The severity of an alert about the service itself.
    public var severity: AlertSeverity {
        switch self {
        case .critical: .critical
        case .important: .warning
        case .optional: .info
        }
    }
}

public struct ServiceSettings: Sendable, Equatable {
    public var name: String
    public var healthEndpoint: String
    public var dependencies: [String] = []
    public var criticality: Criticality = .important
    public var timeout: TimeInterval = 5
    /// What to run when the service stays unhealthy; nil: nothing is run.
    public var remediation: RemediationSettings?
}

/// A service's `remediation:`: the action that brings it back, and when it may run.
public struct RemediationSettings: Sendable, Equatable {
    /// When a notification goes out about an action: every action, only those that fail (a
    /// non-zero exit, a timeout, or the service still unhealthy after the grace), or none.
    public enum Notify: String, CaseIterable, Sendable, Codable {
        case always, onFailure = "on_failure", never
    }

    /// argv, run without a shell.
    public var action: [String]
    /// Unhealthy (not degraded) this long, across runs, before acting.
    public var after: TimeInterval = 120
    /// After an action, the service is not judged and nothing else runs for this long.
    public var grace: TimeInterval = 60
    /// At most this many actions within `window`; then `remediation_exhausted` fires.
    public var maxAttempts = 3
    public var window: TimeInterval = 3600
    /// The action is killed, with everything it started in its process group, after this long.
    public var timeout: TimeInterval = 30
    public var notify: Notify = .onFailure

    public init(action: [String]) { self.action = action }
}

public struct ResourceSettings: Sendable, Equatable {
    /// Filesystems watched besides the database's own.
    public var diskPaths: [String] = []
}

public struct P2PSettings: Sendable, Equatable {
    public var minConnections = 3
    public var maxLatencyThreshold: TimeInterval = 0.5
    public var bootstrap: [String] = []
    public var mdns = false
    /// Where this node's own P2P daemon listens (multiaddrs); `config network` checks them.
    public var listenAddresses: [String] = []
}

/// Where `telemetry serve` listens unless its flags say otherwise.
public struct ServeAddresses: Sendable, Equatable {
    public var listen = ListenAddress(host: "127.0.0.1", port: 4318)
    /// nil: no OTLP/gRPC listener.
    public var grpcListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 4317)
    /// How people reach serve's dashboard from elsewhere (`https://node1.example:4318`), for links
    /// in notifications; nil: no links.
    public var publicURL: String?
    /// TLS for both listeners: certificate chain and key (PEM); a CA for mutual TLS.
    public var tlsCert: String?
    public var tlsKey: String?
    public var tlsClientCA: String?

    public init() {}
}

public struct TracingSettings: Sendable, Equatable {
    public var sampleRate = 1.0
    /// Detector thresholds: seconds for durations, a count for `cascading_failures`.
    public var patternThresholds: [TracePattern: Double] = Dictionary(uniqueKeysWithValues: TracePattern.allCases.map {
        ($0, $0.defaultThreshold)
    })
}

/// The trace detectors (`tracing.patterns`, `analyze --pattern`).
public enum TracePattern: String, CaseIterable, Sendable, Codable {
    /// A trace lasting longer than the threshold.
    case slowServiceCall = "slow_service_call"
    /// A span whose name contains `p2p.discovery` lasting longer than the threshold.
    case p2pDiscoveryTimeout = "p2p_discovery_timeout"
    /// At least the threshold's number of error spans in one trace.
    case cascadingFailures = "cascading_failures"

    /// The threshold when `tracing.patterns` sets none.
    public var defaultThreshold: Double {
        switch self {
        case .slowServiceCall: 5
        case .p2pDiscoveryTimeout: 30
        case .cascadingFailures: 3
        }
    }

    /// Whether the threshold is a count rather than seconds.
    public var countsSpans: Bool { self == .cascadingFailures }

    public var severity: AlertSeverity { self == .cascadingFailures ? .critical : .warning }

    /// A pattern by name; `slow_requests` is another name for `slow_service_call`, so commands
    /// written with it keep working.
    public init(named name: String) throws {
        if name == "slow_requests" {
            self = .slowServiceCall
        } else if let pattern = Self(rawValue: name) {
            self = pattern
        } else {
            let known = Self.allCases.map(\.rawValue) + ["slow_requests"]
            throw BlackholeError(.usage, "unknown pattern \"\(name)\"; known patterns: \(known.joined(separator: ", "))")
        }
    }
}

public enum AlertCondition: String, CaseIterable, Sendable, Codable {
    /// The newest sample compared with `threshold`.
    case gt, lt, eq, ne
    /// The series' trend, fitted over `window`, reaches `threshold` within `horizon`.
    case forecast
    /// The newest sample is outside the series' own normal range over `window`.
    case anomaly

    /// As messages and PromQL write it.
    public var symbol: String {
        switch self {
        case .gt: ">"
        case .lt: "<"
        case .eq: "=="
        case .ne: "!="
        case .forecast, .anomaly: rawValue
        }
    }

    /// Whether the rule judges the series' samples over its `window` rather than the newest one.
    public var readsHistory: Bool { self == .forecast || self == .anomaly }

    /// Fewer samples than this in the window judge nothing, unless the rule says `min_samples`:
    /// a median and its spread need more than a trend does.
    public var defaultMinSamples: Int { self == .anomaly ? 30 : 10 }
}

/// Which way a `forecast` rule's crossing goes (`up` or `down`), or which departures an
/// `anomaly` rule watches for (`both` too).
public enum TrendDirection: String, CaseIterable, Sendable, Codable {
    case up, down, both
}

public enum AlertSeverity: String, CaseIterable, Sendable, Codable, Comparable {
    case info, warning, critical

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct AlertingSettings: Sendable, Equatable {
    /// A firing alert is notified again after this long, unless acknowledged.
    public var repeatInterval: TimeInterval = 4 * 3600
    /// A series whose newest sample is older than this is gone: its alerts resolve.
    public var staleness: TimeInterval = 300
    /// Undelivered notifications are retried on later runs until they are this old.
    public var outboxMaxAge: TimeInterval = 24 * 3600
    /// The most one `check` run may take, notifications included.
    public var checkBudget: TimeInterval = 45
    /// This node's name in notifications (Alertmanager's `instance` label); nil: the host name.
    public var instance: String?
}

/// An alert rule as `alert_rules` holds it (`id`, `name`, `description`, `metric`, `condition`,
/// `threshold`, `duration`, `severity`, `labels`, `notification_channels`), plus escalation.
public struct AlertRule: Sendable, Equatable {
    /// The built-in rule on `service.remediation.exhausted`.
    public static let remediationExhausted = "remediation_exhausted"
    /// The shortest `window` a history-reading rule may have.
    public static let minimumWindow: TimeInterval = 600

    public var id: String
    public var name: String
    public var description: String = ""
    public var metric: String
    public var condition: AlertCondition
    public var threshold: Double
    public var duration: TimeInterval = 0
    public var severity: AlertSeverity = .warning
    /// Only series carrying these labels.
    public var labels: [String: String] = [:]
    public var notificationChannels: [String] = []
    /// Critical alerts still unacknowledged this long after firing also go to `escalationChannels`.
    public var escalateAfter: TimeInterval = 900
    public var escalationChannels: [String] = []
    /// `forecast` and `anomaly`: the history judged, ending now.
    public var window: TimeInterval = 0
    /// `forecast`: how far ahead the trend is extended.
    public var horizon: TimeInterval = 0
    /// `forecast`: the crossing watched for, nil for the way the fitted trend goes; `anomaly`:
    /// the departures watched for, nil for both ways.
    public var direction: TrendDirection?
    /// `anomaly`: how many robust standard deviations from the window's median are abnormal.
    public var sensitivity = 4.0
    /// `forecast` and `anomaly`: a series with fewer samples in the window is not judged.
    public var minSamples = 10
}

public struct NotificationChannel: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case webhook(url: String, timeout: TimeInterval, headers: [String: String])
        /// One JSON line per alert, to a file or (no path) to stderr.
        case log(path: String?)
        /// Alertmanager's API v2; every URL is a member of one cluster.
        case alertmanager(urls: [String], timeout: TimeInterval, headers: [String: String])
        /// Mail through an SMTP server.
        case email(EmailSettings)
        /// A Slack incoming webhook; its URL is the secret.
        case slack(url: String, timeout: TimeInterval)
        /// PagerDuty's Events API v2: an incident per alert, triggered, acknowledged, resolved.
        case pagerduty(routingKey: String, url: String, timeout: TimeInterval)
    }

    public var name: String
    public var kind: Kind
    public var minSeverity: AlertSeverity = .info
    /// Alerts changing state in one run go out as one notification.
    public var group = false
    /// The channel that gets one copy of a notification this channel has failed to deliver for
    /// `fallbackAfter`; the original is still delivered when this channel comes back.
    public var fallback: String?
    public var fallbackAfter: TimeInterval = 600

    public init(name: String, kind: Kind, minSeverity: AlertSeverity = .info, group: Bool = false) {
        self.name = name
        self.kind = kind
        self.minSeverity = minSeverity
        self.group = group
    }

    /// Alertmanager forgets alerts that stop being sent: it hears every firing alert on every
    /// run, whatever the repeat interval, and each newer state replaces an undelivered older one.
    public var resendsWhileFiring: Bool {
        if case .alertmanager = kind { return true }
        return false
    }

    /// Whether `group` applies: Alertmanager groups for itself, PagerDuty keeps an incident per alert.
    public var canGroup: Bool {
        switch kind {
        case .alertmanager, .pagerduty: false
        default: true
        }
    }
}

/// An `email` channel: the SMTP server that takes the mail, and who it is from and to.
public struct EmailSettings: Sendable, Equatable {
    /// How the connection is protected: upgraded after EHLO (`starttls`, port 587), TLS from the
    /// first byte (`implicit`, port 465), or not at all (`none`: the operator's explicit choice).
    public enum TLS: String, CaseIterable, Sendable {
        case starttls, implicit, none
    }

    public var host: String
    public var port: Int
    public var tls: TLS
    /// Certificates trusted besides the system's roots: a private CA, a self-signed server.
    public var caFile: String?
    public var username: String?
    /// From `password` or `password_file`; never shown, logged or stored elsewhere.
    public var password: String?
    public var from: String
    public var to: [String]
    public var timeout: TimeInterval

    public init(host: String, port: Int, tls: TLS, caFile: String? = nil, username: String? = nil, password: String? = nil,
                from: String, to: [String], timeout: TimeInterval = 10) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.timeout = timeout
    }
}
