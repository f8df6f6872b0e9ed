import Foundation
import Yams

/// Reads a configuration document, collecting every problem rather than stopping at the first.
enum ConfigDecoding {
    static func decode(yaml text: String, file: String = "config.yaml", environment: [String: String] = [:]) -> (Configuration, [ConfigProblem]) {
        let problems = ProblemList(file: file, environment: environment)
        var config = Configuration()
        let root: Node?
        do {
            // Settings are read from each scalar's text, so plain scalars need no type guessed for
            // them (the default resolver compiles seven regular expressions at every start).
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            problems.add(syntaxMessage(error), at: syntaxMark(error))
            return (config, problems.items)
        } catch {
            problems.add("cannot read YAML: \(error)", at: nil)
            return (config, problems.items)
        }
        guard let root else { return (config, []) }  // An empty file means "all defaults".
        let document = YAMLValue(node: root, path: "", problems: problems)
        let sections = ["storage", "health", "resources", "p2p", "serve", "tracing", "alerting", "alert_rules", "notification_channels"]
        var located = Located()
        for (key, value) in document.mapping(known: sections) ?? [] {
            switch key {
            case "storage": decodeStorage(value, into: &config.storage)
            case "health": located.services = decodeHealth(value, into: &config.health)
            case "resources": decodeResources(value, into: &config.resources)
            case "p2p": decodeP2P(value, into: &config.p2p)
            case "serve": decodeServe(value, into: &config.serve)
            case "tracing": decodeTracing(value, into: &config.tracing)
            case "alerting": decodeAlerting(value, into: &config.alerting)
            case "alert_rules":
                located.rules = value.sequence()?.compactMap { node in decodeRule(node).map { ($0, node) } } ?? []
                config.alertRules = located.rules.map(\.0)
            default:
                located.channels = value.sequence()?.compactMap { node in decodeChannel(node).map { ($0, node) } } ?? []
                config.notificationChannels = located.channels.map(\.0)
            }
        }
        crossCheck(located)
        for (rule, node) in located.rules where rule.condition.readsHistory {
            let retention = config.storage.retention[.metrics] ?? DataKind.metrics.defaultRetention
            guard rule.window > retention else { continue }
            let at = node.mapping()?.first { $0.key == "window" }?.value ?? node
            at.problem("\(DurationText.format(rule.window)) is longer than storage.retention.metrics (\(DurationText.format(retention))): "
                + "the older samples are gone")
        }
        return (config, problems.items.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    private static func syntaxMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            return "invalid YAML: " + [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case .reader(let problem, _, _, _):
            return "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.joined(separator: ", "))"
        default:
            return "invalid YAML: \(error)"
        }
    }

    private static func syntaxMark(_ error: YamlError) -> Mark? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark
        case .duplicatedKeysInMapping(_, let context): context.mark
        default: nil
        }
    }

    private static func decodeStorage(_ value: YAMLValue, into storage: inout StorageSettings) {
        for (key, value) in value.mapping(known: ["path", "retention"]) ?? [] {
            if key == "path" {
                storage.path = value.string()
                continue
            }
            for (kind, period) in value.mapping(known: DataKind.allCases.map(\.rawValue)) ?? [] {
                guard let seconds = period.duration() else { continue }
                if seconds <= 0 { period.problem("retention must be longer than 0s") }
                storage.retention[DataKind(rawValue: kind)!] = seconds
            }
        }
    }

    /// Entries that other entries refer to by name, with where they stand in the file.
    private struct Located {
        var services: [(ServiceSettings, YAMLValue)] = []
        var rules: [(AlertRule, YAMLValue)] = []
        var channels: [(NotificationChannel, YAMLValue)] = []
    }

    private static func decodeHealth(_ value: YAMLValue, into health: inout HealthSettings) -> [(ServiceSettings, YAMLValue)] {
        var located: [(ServiceSettings, YAMLValue)] = []
        for (key, value) in value.mapping(known: ["check_interval", "unhealthy_timeout", "services"]) ?? [] {
            switch key {
            case "check_interval": health.checkInterval = positive(value) ?? health.checkInterval
            case "unhealthy_timeout": health.unhealthyTimeout = positive(value) ?? health.unhealthyTimeout
            default:
                located = value.mapping()?.compactMap { name, node in decodeService(name: name, value: node).map { ($0, node) } } ?? []
                health.services = located.map(\.0)
            }
        }
        // A grace shorter than the interval between checks would let the next check judge a
        // service that has had no check since its action.
        for (service, node) in located {
            guard let grace = service.remediation?.grace, grace < health.checkInterval else { continue }
            let remediation = node.mapping()?.first { $0.key == "remediation" }?.value
            let at = remediation?.mapping()?.first { $0.key == "grace" }?.value ?? remediation ?? node
            at.problem("grace \(DurationText.format(grace)) is shorter than health.check_interval (\(DurationText.format(health.checkInterval)))")
        }
        return located
    }

    private static func decodeService(name: String, value: YAMLValue) -> ServiceSettings? {
        var service = ServiceSettings(name: name, healthEndpoint: "")
        let entries = value.mapping(known: ["health_endpoint", "dependencies", "criticality_level", "timeout", "remediation"])
        for (key, value) in entries ?? [] {
            switch key {
            case "remediation": service.remediation = decodeRemediation(value)
            case "health_endpoint":
                service.healthEndpoint = value.string() ?? ""
                if !service.healthEndpoint.isEmpty && !isProbeTarget(service.healthEndpoint) {
                    value.problem("\"\(service.healthEndpoint)\" is not an http(s)://, tcp://host:port or exec: target")
                } else if let port = URL(string: service.healthEndpoint)?.port, !(1...65535).contains(port) {
                    value.problem("port \(port) of \"\(service.healthEndpoint)\" is not between 1 and 65535")
                }
            case "dependencies": service.dependencies = value.strings() ?? []
            case "criticality_level": service.criticality = value.oneOf(Criticality.self) ?? service.criticality
            default: service.timeout = positive(value) ?? service.timeout
            }
        }
        if entries != nil && service.healthEndpoint.isEmpty {
            value.problem("health_endpoint is required")
        }
        return service
    }

    /// A service's `remediation:`. The action is argv (a list, or one string split as a shell
    /// would quote it, never run by one) naming a program that exists and may be run.
    private static func decodeRemediation(_ value: YAMLValue) -> RemediationSettings? {
        let keys = ["action", "after", "grace", "max_attempts", "window", "timeout", "notify"]
        guard let entries = value.mapping(known: keys) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        guard let actionNode = fields["action"] else {
            value.problem("remediation needs an action (argv, e.g. [systemctl, restart, my-service])")
            return nil
        }
        var action: [String] = []
        if case .sequence = actionNode.node {
            action = actionNode.sequence()?.compactMap { $0.string() } ?? []
        } else if let line = actionNode.string() {
            do {
                action = try ShellWords.split(line)
            } catch {
                actionNode.problem(BlackholeError.line(error))
            }
        }
        if action.isEmpty || action[0].isEmpty {
            actionNode.problem("the action is empty: give the program and its arguments")
        } else if let problem = ProgramLookup.problem(action[0], environment: actionNode.problems.environment) {
            actionNode.problem(problem)
        }
        var remediation = RemediationSettings(action: action)
        remediation.after = fields["after"]?.duration() ?? remediation.after
        remediation.grace = fields["grace"].flatMap(positive) ?? remediation.grace
        remediation.window = fields["window"].flatMap(positive) ?? remediation.window
        remediation.timeout = fields["timeout"].flatMap(positive) ?? remediation.timeout
        if let node = fields["max_attempts"], let attempts = node.int() {
            if attempts < 1 { node.problem("must be at least 1") }
            remediation.maxAttempts = attempts
        }
        remediation.notify = fields["notify"]?.oneOf(RemediationSettings.Notify.self) ?? remediation.notify
        return remediation
    }

    static func isProbeTarget(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("exec:") { return endpoint.count > 5 }
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host, !host.isEmpty
        else { return false }
        return ["http", "https"].contains(scheme) || (scheme == "tcp" && url.port != nil)
    }

    private static func decodeResources(_ value: YAMLValue, into resources: inout ResourceSettings) {
        for (_, value) in value.mapping(known: ["disk_paths"]) ?? [] {
            resources.diskPaths = value.strings() ?? []
        }
    }

    private static func decodeP2P(_ value: YAMLValue, into p2p: inout P2PSettings) {
        let keys = ["min_connections", "max_latency_threshold", "bootstrap", "mdns", "listen_addresses"]
        for (key, value) in value.mapping(known: keys) ?? [] {
            switch key {
            case "min_connections":
                guard let count = value.int() else { continue }
                if count < 0 { value.problem("must not be negative") }
                p2p.minConnections = count
            case "max_latency_threshold": p2p.maxLatencyThreshold = positive(value) ?? p2p.maxLatencyThreshold
            case "bootstrap": p2p.bootstrap = multiaddrs(value)
            case "listen_addresses":
                p2p.listenAddresses = multiaddrs(value) { address in
                    address.socket == nil ? "\(address) is not a listen address (/ip4|ip6|dns*/HOST/tcp|udp/PORT...)" : nil
                }
            default: p2p.mdns = value.bool() ?? p2p.mdns
            }
        }
    }

    /// A list of multiaddrs in their canonical text; each one that does not parse, or that
    /// `refuse` has a reason against, is a located problem.
    private static func multiaddrs(_ value: YAMLValue, refuse: (Multiaddr) -> String? = { _ in nil }) -> [String] {
        value.sequence()?.compactMap { item in
            guard let text = item.string() else { return nil }
            do {
                let address = try Multiaddr(text)
                if let reason = refuse(address) {
                    item.problem(reason)
                    return nil
                }
                return address.description
            } catch {
                item.problem(BlackholeError.line(error))
                return nil
            }
        } ?? []
    }

    private static func decodeServe(_ value: YAMLValue, into serve: inout ServeAddresses) {
        for (key, value) in value.mapping(known: ["listen", "grpc_listen", "public_url", "tls_cert", "tls_key", "tls_client_ca"]) ?? [] {
            if key.hasPrefix("tls_") {
                // Read by serve when it starts, which says what is wrong with the files.
                let path = value.isNull ? nil : value.string().map { Paths.expand($0, environment: value.problems.environment) }
                switch key {
                case "tls_cert": serve.tlsCert = path
                case "tls_key": serve.tlsKey = path
                default: serve.tlsClientCA = path
                }
                continue
            }
            if key == "grpc_listen" && value.isNull {
                serve.grpcListen = nil
                continue
            }
            if key == "public_url" {
                serve.publicURL = value.isNull ? nil : httpURL(value)
                continue
            }
            guard let text = value.string() else { continue }
            do {
                let address = try ListenAddress(parsing: text, option: "serve.\(key)")
                if key == "listen" { serve.listen = address } else { serve.grpcListen = address }
            } catch {
                value.problem("\"\(text)\" is not HOST:PORT (e.g. 127.0.0.1:4318)")
            }
        }
    }

    private static func decodeTracing(_ value: YAMLValue, into tracing: inout TracingSettings) {
        for (key, value) in value.mapping(known: ["sample_rate", "patterns"]) ?? [] {
            if key == "sample_rate" {
                guard let rate = value.double() else { continue }
                if !(0...1).contains(rate) { value.problem("must be between 0 and 1") }
                tracing.sampleRate = rate
                continue
            }
            for (name, settings) in value.mapping(known: TracePattern.allCases.map(\.rawValue)) ?? [] {
                guard let pattern = TracePattern(rawValue: name) else { continue }
                for (_, threshold) in settings.mapping(known: ["threshold"]) ?? [] {
                    let parsed = pattern.countsSpans ? threshold.int().map(Double.init) : positive(threshold)
                    tracing.patternThresholds[pattern] = parsed ?? tracing.patternThresholds[pattern]
                }
            }
        }
    }

    private static func decodeAlerting(_ value: YAMLValue, into alerting: inout AlertingSettings) {
        let keys = ["repeat_interval", "staleness", "outbox_max_age", "check_budget", "instance"]
        for (key, value) in value.mapping(known: keys) ?? [] {
            switch key {
            case "repeat_interval": alerting.repeatInterval = positive(value) ?? alerting.repeatInterval
            case "staleness": alerting.staleness = positive(value) ?? alerting.staleness
            case "outbox_max_age": alerting.outboxMaxAge = positive(value) ?? alerting.outboxMaxAge
            case "instance": alerting.instance = value.isNull ? nil : value.string()
            default: alerting.checkBudget = positive(value) ?? alerting.checkBudget
            }
        }
    }

    private static func decodeRule(_ value: YAMLValue) -> AlertRule? {
        let keys = ["id", "name", "description", "metric", "condition", "threshold", "duration", "severity",
                    "labels", "notification_channels", "escalate_after", "escalation_channels"] + historyKeys.map(\.key)
        guard let entries = value.mapping(known: keys) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        // Read every field before giving up, so each bad one is reported.
        let id = fields["id"]?.string(), metric = fields["metric"]?.string()
        let condition = fields["condition"]?.oneOf(AlertCondition.self)
        // An anomaly's range is the series' own.
        let measured = condition == .anomaly
        for required in ["id", "metric", "condition"] + (measured ? [] : ["threshold"]) where fields[required] == nil {
            value.problem("\(required) is required")
        }
        if measured { fields["threshold"]?.problem("does not apply to condition anomaly: sensitivity says how far from normal is abnormal") }
        let threshold = measured ? 0 : fields["threshold"]?.double()
        guard let id, let metric, let condition, let threshold else { return nil }
        var rule = AlertRule(id: id, name: id, metric: metric, condition: condition, threshold: threshold)
        rule.name = fields["name"]?.string() ?? id
        rule.description = fields["description"]?.string() ?? ""
        rule.duration = fields["duration"]?.duration() ?? 0
        rule.severity = fields["severity"]?.oneOf(AlertSeverity.self) ?? .warning
        rule.labels = fields["labels"]?.stringMap() ?? [:]
        rule.notificationChannels = fields["notification_channels"]?.strings() ?? []
        rule.escalateAfter = fields["escalate_after"].flatMap(positive) ?? rule.escalateAfter
        rule.escalationChannels = fields["escalation_channels"]?.strings() ?? []
        decodeHistory(fields, of: value, into: &rule)
        return rule
    }

    /// The keys of the rules that read a series' history, with the conditions that take each.
    static let historyKeys: [(key: String, conditions: [AlertCondition])] = [
        ("window", [.forecast, .anomaly]), ("horizon", [.forecast]), ("direction", [.forecast, .anomaly]),
        ("sensitivity", [.anomaly]), ("min_samples", [.forecast, .anomaly]),
    ]

    /// `window`, `horizon`, `direction`, `sensitivity` and `min_samples`: required or refused as the condition says.
    private static func decodeHistory(_ fields: [String: YAMLValue], of value: YAMLValue, into rule: inout AlertRule) {
        for (key, conditions) in historyKeys where !conditions.contains(rule.condition) {
            let names = conditions.map(\.rawValue).joined(separator: " and ")
            fields[key]?.problem("applies only to condition \(names), not \(rule.condition.rawValue)")
        }
        guard rule.condition.readsHistory else { return }
        let condition = rule.condition.rawValue
        rule.minSamples = rule.condition.defaultMinSamples
        if let node = fields["window"] {
            if let window = node.duration() {
                if window < AlertRule.minimumWindow {
                    node.problem("must be at least \(DurationText.format(AlertRule.minimumWindow)): a shorter history is noise")
                }
                rule.window = window
            }
        } else {
            value.problem("window is required with condition \(condition) (the history judged, e.g. 6h)")
        }
        if rule.condition == .forecast {
            if let node = fields["horizon"] {
                rule.horizon = positive(node) ?? 0
            } else {
                value.problem("horizon is required with condition \(condition) (how far ahead, e.g. 4h)")
            }
        }
        rule.direction = fields["direction"]?.oneOf(TrendDirection.self)
        if rule.condition == .anomaly, let node = fields["sensitivity"], let sensitivity = node.double() {
            if sensitivity <= 0 { node.problem("must be more than 0 (robust standard deviations from the median, e.g. 4)") }
            rule.sensitivity = sensitivity
        }
        if let node = fields["min_samples"], let count = node.int() {
            if count < 3 { node.problem("must be at least 3") }
            rule.minSamples = count
        }
    }

    /// The string (`${NAME}` expanded), with a located problem unless it is an http(s) URL with a
    /// host (kept all the same, so that what refers to it is not reported as well).
    static func httpURL(_ value: YAMLValue) -> String? {
        value.setting().map { checkedHTTPURL($0, at: value) }
    }

    static func checkedHTTPURL(_ text: String, at value: YAMLValue) -> String {
        if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false { return text }
        value.problem("\"\(SecretMask.url(text))\" is not an http(s) URL")
        return text
    }

    static func positive(_ value: YAMLValue) -> TimeInterval? {
        guard let seconds = value.duration() else { return nil }
        if seconds <= 0 {
            value.problem("must be longer than 0s")
            return nil
        }
        return seconds
    }

    /// Problems that need the whole document: names that refer to other entries.
    private static func crossCheck(_ located: Located) {
        let serviceNames = Set(located.services.map(\.0.name))
        for (service, node) in located.services {
            for dependency in service.dependencies where dependency == service.name || !serviceNames.contains(dependency) {
                node.problem(dependency == service.name
                    ? "service depends on itself"
                    : "dependency \"\(dependency)\" is not a service in health.services")
            }
        }
        var channelNames = Set<String>()
        for (channel, node) in located.channels where !channelNames.insert(channel.name).inserted {
            node.problem("duplicate channel name \"\(channel.name)\"")
        }
        let fallbacks = Dictionary(located.channels.map { ($0.0.name, $0.0.fallback) }, uniquingKeysWith: { first, _ in first })
        for (channel, node) in located.channels {
            guard let fallback = channel.fallback else { continue }
            if fallback == channel.name {
                node.problem("channel \"\(channel.name)\" cannot be its own fallback")
            } else if !channelNames.contains(fallback) {
                node.problem("fallback \"\(fallback)\" is not in notification_channels")
            } else if let next = fallbacks[fallback] ?? nil {
                // One step only: a fallback that fails has nobody to hand over to, and no loop can form.
                node.problem("fallback \"\(fallback)\" has a fallback of its own (\"\(next)\"); fallbacks do not chain")
            }
        }
        var ruleIDs = Set<String>()
        for (rule, node) in located.rules {
            if !ruleIDs.insert(rule.id).inserted { node.problem("duplicate rule id \"\(rule.id)\"") }
            for channel in rule.notificationChannels + rule.escalationChannels where !channelNames.contains(channel) {
                node.problem("channel \"\(channel)\" is not in notification_channels")
            }
        }
    }
}
