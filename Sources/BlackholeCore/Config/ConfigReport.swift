import Foundation
import Yams

/// `config show`: the effective configuration in the file's own keys, secrets (URL passwords
/// and query strings, header values, mail passwords, Slack URLs, PagerDuty routing keys) masked.
public struct ConfigReport: Report {
    public let source: String?
    public let database: String
    public let config: Configuration

    public init(source: String?, database: String, config: Configuration) {
        self.source = source
        self.database = database
        self.config = config
    }

    enum CodingKeys: String, CodingKey { case source, database, config }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(database, forKey: .database)
        try container.encode(ConfigDocument.tree(config), forKey: .config)
    }

    public func renderText(_ style: TextStyle) -> String {
        let header = "# source: \(source ?? "built-in defaults (no config file)")\n# database: \(database)\n"
        let body = (try? Yams.serialize(node: ConfigDocument.tree(config).yaml)) ?? ""
        return header + body.trimmed(\.isNewline)
    }
}

/// Hides what must not land in a terminal's scrollback or a support ticket.
public enum SecretMask {
    public static let mask = "***"

    /// `https://user:pw@host/hook?token=abc` -> `https://user:***@host/hook?token=***`.
    public static func url(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return mask }
        if components.password != nil { components.password = mask }
        components.queryItems = components.queryItems?.map { URLQueryItem(name: $0.name, value: mask) }
        return components.string?.replacingOccurrences(of: "%2A%2A%2A", with: mask) ?? mask
    }
}

/// A configuration value tree in file order: one shape, rendered as YAML for a person and as
/// JSON for a script (and the YAML of `alerts rules --format prometheus`).
indirect enum ConfigTree: Encodable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case list([ConfigTree])
    case map([(String, ConfigTree)])
    case null

    var yaml: Node {
        switch self {
        // Quoted when empty: a bare empty value reads back as null.
        case .string(let text): Node(text, Tag(.str), text.isEmpty ? .singleQuoted : .any)
        case .number(let value): Node(NumberText.format(value), Tag(.float))
        case .integer(let value): Node(String(value), Tag(.int))
        case .bool(let value): Node(value ? "true" : "false", Tag(.bool))
        case .list(let items): Node(items.map(\.yaml), Tag(.seq), items.isEmpty ? .flow : .block)
        case .map(let entries): Node(entries.map { (Node($0.0), $0.1.yaml) }, Tag(.map), entries.isEmpty ? .flow : .block)
        case .null: Node("null", Tag(.null))
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text): var c = encoder.singleValueContainer(); try c.encode(text)
        case .number(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .integer(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .bool(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .list(let items): var c = encoder.unkeyedContainer(); for item in items { try c.encode(item) }
        case .map(let entries):
            var c = encoder.container(keyedBy: Key.self)
            for (key, value) in entries { try c.encode(value, forKey: Key(key)) }
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        }
    }
}

/// The configuration as the YAML file spells it.
enum ConfigDocument {
    static func tree(_ config: Configuration) -> ConfigTree {
        // Exact, not rounded for a person: what `config show` prints reads back as the same config.
        func duration(_ seconds: TimeInterval) -> ConfigTree { .string(DurationText.exact(seconds)) }
        func strings(_ values: [String]) -> ConfigTree { .list(values.map(ConfigTree.string)) }
        func labels(_ values: [String: String]) -> ConfigTree { .map(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

        var storage: [(String, ConfigTree)] = []
        if let path = config.storage.path { storage.append(("path", .string(path))) }
        storage.append(("retention", .map(DataKind.allCases.map {
            ($0.rawValue, duration(config.storage.retention[$0] ?? $0.defaultRetention))
        })))

        let services: [(String, ConfigTree)] = config.health.services.map { service in
            let endpoint = service.healthEndpoint.hasPrefix("exec:") ? service.healthEndpoint : SecretMask.url(service.healthEndpoint)
            return (service.name, .map([
                ("health_endpoint", .string(endpoint)),
                ("dependencies", strings(service.dependencies)),
                ("criticality_level", .string(service.criticality.rawValue)),
                ("timeout", duration(service.timeout)),
            ]))
        }

        let patterns: [(String, ConfigTree)] = TracePattern.allCases.map { pattern in
            let threshold = config.tracing.patternThresholds[pattern] ?? pattern.defaultThreshold
            return (pattern.rawValue, .map([("threshold", pattern.countsSpans ? .integer(Int(threshold)) : duration(threshold))]))
        }

        let rules: [ConfigTree] = config.alertRules.map { rule in
            var entries: [(String, ConfigTree)] = [
                ("id", .string(rule.id)), ("name", .string(rule.name)), ("description", .string(rule.description)),
                ("metric", .string(rule.metric)), ("condition", .string(rule.condition.rawValue)),
            ]
            if rule.condition != .anomaly { entries.append(("threshold", .number(rule.threshold))) }
            if rule.condition.readsHistory { entries.append(("window", duration(rule.window))) }
            if rule.condition == .forecast { entries.append(("horizon", duration(rule.horizon))) }
            if let direction = rule.direction { entries.append(("direction", .string(direction.rawValue))) }
            if rule.condition == .anomaly { entries.append(("sensitivity", .number(rule.sensitivity))) }
            if rule.condition.readsHistory { entries.append(("min_samples", .integer(rule.minSamples))) }
            return .map(entries + [
                ("duration", duration(rule.duration)),
                ("severity", .string(rule.severity.rawValue)), ("labels", labels(rule.labels)),
                ("notification_channels", strings(rule.notificationChannels)),
                ("escalate_after", duration(rule.escalateAfter)),
                ("escalation_channels", strings(rule.escalationChannels)),
            ])
        }

        let channels: [ConfigTree] = config.notificationChannels.map { channel in
            var settings: [(String, ConfigTree)]
            switch channel.kind {
            case .webhook(let url, let timeout, let headers):
                settings = [("url", .string(SecretMask.url(url))), ("timeout", duration(timeout)),
                            ("headers", .map(headers.keys.sorted().map { ($0, .string(SecretMask.mask)) }))]
            case .log(let path):
                settings = path.map { [("path", .string($0))] } ?? []
            case .alertmanager(let urls, let timeout, let headers):
                settings = [("urls", .list(urls.map { .string(SecretMask.url($0)) })), ("timeout", duration(timeout)),
                            ("headers", .map(headers.keys.sorted().map { ($0, .string(SecretMask.mask)) }))]
            case .email(let email):
                settings = [("host", .string(email.host)), ("port", .integer(email.port)), ("tls", .string(email.tls.rawValue))]
                if let caFile = email.caFile { settings.append(("ca_file", .string(caFile))) }
                if let username = email.username { settings.append(("username", .string(username))) }
                if email.password != nil { settings.append(("password", .string(SecretMask.mask))) }
                settings += [("from", .string(email.from)), ("to", strings(email.to)), ("timeout", duration(email.timeout))]
            case .slack(_, let timeout):
                settings = [("url", .string(SecretMask.mask)), ("timeout", duration(timeout))]
            case .pagerduty(_, let url, let timeout):
                settings = [("routing_key", .string(SecretMask.mask)), ("url", .string(SecretMask.url(url))), ("timeout", duration(timeout))]
            }
            settings.append(("min_severity", .string(channel.minSeverity.rawValue)))
            // Alertmanager groups for itself; PagerDuty keeps an incident per alert.
            if channel.canGroup { settings.append(("group", .bool(channel.group))) }
            var entries: [(String, ConfigTree)] = [("name", .string(channel.name)), ("type", .string(channel.kind.typeName)), ("config", .map(settings))]
            if let fallback = channel.fallback {
                entries += [("fallback", .string(fallback)), ("fallback_after", duration(channel.fallbackAfter))]
            }
            return .map(entries)
        }

        return .map([
            ("storage", .map(storage)),
            ("health", .map([
                ("check_interval", duration(config.health.checkInterval)),
                ("unhealthy_timeout", duration(config.health.unhealthyTimeout)),
                ("services", .map(services)),
            ])),
            ("resources", .map([("disk_paths", strings(config.resources.diskPaths))])),
            ("p2p", .map([
                ("min_connections", .integer(config.p2p.minConnections)),
                ("max_latency_threshold", duration(config.p2p.maxLatencyThreshold)),
                ("bootstrap", strings(config.p2p.bootstrap)),
                ("mdns", .bool(config.p2p.mdns)),
                ("listen_addresses", strings(config.p2p.listenAddresses)),
            ])),
            ("serve", .map([
                ("listen", .string(config.serve.listen.description)),
                ("grpc_listen", config.serve.grpcListen.map { .string($0.description) } ?? .null),
                ("public_url", config.serve.publicURL.map { .string(SecretMask.url($0)) } ?? .null),
                ("tls_cert", config.serve.tlsCert.map { .string($0) } ?? .null),
                ("tls_key", config.serve.tlsKey.map { .string($0) } ?? .null),
                ("tls_client_ca", config.serve.tlsClientCA.map { .string($0) } ?? .null),
            ])),
            ("tracing", .map([("sample_rate", .number(config.tracing.sampleRate)), ("patterns", .map(patterns))])),
            ("alerting", .map([
                ("repeat_interval", duration(config.alerting.repeatInterval)),
                ("staleness", duration(config.alerting.staleness)),
                ("outbox_max_age", duration(config.alerting.outboxMaxAge)),
                ("check_budget", duration(config.alerting.checkBudget)),
                ("instance", config.alerting.instance.map(ConfigTree.string) ?? .null),
            ])),
            ("alert_rules", .list(rules)),
            ("notification_channels", .list(channels)),
        ])
    }
}
