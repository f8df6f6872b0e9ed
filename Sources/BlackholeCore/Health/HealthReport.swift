import Foundation

/// Every configured service's health, with its dependencies' and the probable root cause when
/// something it depends on is down.
public struct HealthReport: Report {
    public struct Service: Sendable, Encodable {
        public let name: String
        public let criticality: Criticality
        public let endpoint: String
        public let state: ServiceState?
        public let dependencies: [String: HealthStatus]
        /// Unhealthy services this one depends on, directly.
        public let impactedBy: [String]
        /// The deepest unhealthy service down the dependency chain: where to look first.
        public let rootCause: String?

        public var status: HealthStatus { state?.status ?? .unknown }

        enum CodingKeys: String, CodingKey {
            case name, status, criticality, endpoint, responseTime = "response_time_ms", errorCount = "error_count"
            case lastSeen = "last_seen", lastSuccess = "last_success", message, dependencies
            case impactedBy = "impacted_by", rootCause = "probable_root_cause"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(criticality, forKey: .criticality)
            try container.encode(endpoint.hasPrefix("exec:") ? endpoint : SecretMask.url(endpoint), forKey: .endpoint)
            try container.encode(state.map { ($0.responseTime * 1000 * 10).rounded() / 10 }, forKey: .responseTime)
            try container.encode(state?.errorCount ?? 0, forKey: .errorCount)
            try container.encode(state?.lastSeen, forKey: .lastSeen)
            try container.encode(state?.lastSuccess, forKey: .lastSuccess)
            try container.encode(state?.message ?? "never probed", forKey: .message)
            try container.encode(dependencies, forKey: .dependencies)
            try container.encode(impactedBy, forKey: .impactedBy)
            try container.encode(rootCause, forKey: .rootCause)
        }
    }

    public let services: [Service]

    public init(services settings: [ServiceSettings], states: [String: ServiceState]) {
        let status = { (name: String) in states[name]?.status ?? .unknown }
        let byName = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0) })
        func rootCause(of name: String, visited: Set<String>) -> String? {
            for dependency in byName[name]?.dependencies ?? [] where status(dependency) == .unhealthy && !visited.contains(dependency) {
                return rootCause(of: dependency, visited: visited.union([dependency])) ?? dependency
            }
            return nil
        }
        services = settings.map { service in
            Service(name: service.name, criticality: service.criticality, endpoint: service.healthEndpoint, state: states[service.name],
                    dependencies: Dictionary(uniqueKeysWithValues: service.dependencies.map { ($0, status($0)) }),
                    impactedBy: service.dependencies.filter { status($0) == .unhealthy },
                    rootCause: rootCause(of: service.name, visited: [service.name]))
        }
    }

    /// Root causes by service, for alerts about a service to name.
    public var rootCauses: [String: String] {
        Dictionary(uniqueKeysWithValues: services.compactMap { service in service.rootCause.map { (service.name, $0) } })
    }

    enum CodingKeys: String, CodingKey { case services }

    public func renderText(_ style: TextStyle) -> String {
        guard !services.isEmpty else {
            return "No services configured. Add them under health.services ('blackhole config init' writes an example)."
        }
        var table = Table([("SERVICE", .left), ("STATUS", .left), ("RESPONSE", .right), ("ERRORS", .right),
                           ("LAST SEEN", .left), ("DETAIL", .left)])
        for service in services {
            var detail = service.state?.message ?? "never probed"
            if let cause = service.rootCause {
                detail += " (depends on \(service.impactedBy.joined(separator: ", ")); probable root cause: \(cause))"
            }
            table.append([
                Table.Cell(service.name + (service.criticality == .critical ? " *" : "")),
                Table.Cell(service.status.rawValue, service.status.color),
                Table.Cell(service.state.map { DurationText.format($0.responseTime) } ?? "-"),
                Table.Cell("\(service.state?.errorCount ?? 0)"),
                Table.Cell(service.state.map { TimeText.human($0.lastSeen, utc: style.utc) } ?? "-"),
                Table.Cell(detail),
            ])
        }
        return table.render(style) + (services.contains { $0.criticality == .critical } ? "\n* critical" : "")
    }
}
