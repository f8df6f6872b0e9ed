/// The whole schema, in order of introduction. Each store type keeps its own SQL beside it
/// and is listed here once.
public enum Schema {
    public static let migrations: [Migration] = [
        MetricStore.migration,
        SamplerState.migration,
        HealthStore.migration,
        AlertStore.migration,
        PeerStore.migration,
        SpanStore.migration,
        SpanStore.originsMigration,
        AlertStore.outboxReplacesMigration,
        AlertStore.notificationCountsMigration,
        AlertStore.outboxFallbackMigration,
        AlertStore.channelDeliveriesMigration,
        RemediationStore.migration,
        SpanStore.leanMigration,
    ]

    /// What `prune` deletes, per kind of data.
    static let retentionTargets: [RetentionTarget] = [MetricStore.retention] + SpanStore.retentionTargets + AlertStore.retentionTargets
        + [PeerStore.retention, RemediationStore.retention]
}
