import Foundation

/// The services' health as last recorded, read without probing: what serve's `/health` and its
/// dashboard show. Web handlers read it through this, never through SQL.
public protocol HealthRecords: Sendable {
    /// Every configured service with its recorded state; throws when the records cannot be read
    /// (the database is unusable).
    func report(_ settings: HealthSettings) throws -> HealthReport
}

extension HealthStore: HealthRecords {
    public func report(_ settings: HealthSettings) throws -> HealthReport {
        HealthReport(services: settings.services, states: try states())
    }
}
