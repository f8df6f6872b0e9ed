import Foundation

/// The commented file `blackhole config init` writes: every key with its default, a starter set
/// of alert rules (services down or slow, CPU, P2P connectivity, trace findings) and a webhook
/// and a log channel.
public enum StarterConfig {
    public static let text = """
    # blackhole configuration. Durations: 500ms, 30s, 5m, 1h, 7d.
    # Check it with `blackhole config validate`; see the effective values with `blackhole config show`.

    storage:
      # Database file. Default: $XDG_STATE_HOME/blackhole/telemetry.db (~/.local/state/...).
      # path: /var/lib/blackhole/telemetry.db
      retention:            # how long each kind of data is kept; `check` and `prune` delete older rows
        metrics: 24h
        spans: 72h
        alerts: 7d
        peers: 7d           # peers not seen (reachable) for this long are forgotten

    health:
      check_interval: 30s   # how often `telemetry serve` probes; cron sets its own pace
      unhealthy_timeout: 2m # failing longer than this since the last success => unhealthy
      services: {}
      # Probes: http(s):// (200 + JSON status), tcp://host:port (connect), exec:/path/to/plugin args
      # services:
      #   identity:
      #     health_endpoint: http://127.0.0.1:8081/health
      #     dependencies: [storage]
      #     criticality_level: critical   # critical, important or optional
      #     timeout: 2s
      #   storage:
      #     health_endpoint: tcp://127.0.0.1:5432
      #     criticality_level: critical
      #     timeout: 1s
      #     remediation:              # run when unhealthy for `after`; see 'telemetry remediations'
      #       action: [systemctl, restart, storage]
      #       after: 2m
      #       grace: 1m
      #       max_attempts: 3
      #       window: 1h

    resources:
      disk_paths: []        # filesystems to watch besides the database's, e.g. [/, /var/lib/blackhole]

    p2p:
      min_connections: 3
      max_latency_threshold: 500ms
      bootstrap: []         # multiaddrs, e.g. /ip4/192.0.2.10/tcp/4001/p2p/12D3KooW...
      mdns: false
      listen_addresses: []  # where this node's P2P daemon listens, e.g. [/ip4/0.0.0.0/tcp/4001]; `config network` checks them

    serve:                  # `telemetry serve`; its --listen and --grpc-listen flags win over these
      listen: 127.0.0.1:4318        # OTLP/HTTP, /health, /metrics, dashboard; beyond loopback needs a token
      grpc_listen: 127.0.0.1:4317   # OTLP/gRPC; empty for none
      # public_url: https://node1.example:4318   # the dashboard as others reach it: links in notifications
      # tls_cert: /etc/blackhole/tls/node.pem    # TLS on both listeners (PEM; SIGHUP reloads); a token
      # tls_key: /etc/blackhole/tls/node.key     # beyond loopback needs it
      # tls_client_ca: /etc/blackhole/tls/ca.pem # mutual TLS: clients present a certificate from this CA

    tracing:
      sample_rate: 1.0      # share of traces kept at ingestion, decided per trace id
      patterns:
        slow_service_call: { threshold: 5s }
        p2p_discovery_timeout: { threshold: 30s }
        cascading_failures: { threshold: 3 }   # error spans in one trace

    alerting:
      repeat_interval: 4h   # a firing alert is notified again after this long, unless acknowledged
      staleness: 5m         # a series with no sample this recent is gone: its alerts resolve
      outbox_max_age: 24h   # undelivered notifications are retried on later runs until this old
      # instance: node1     # this node's name in notifications (Alertmanager's instance label); default: the host name
      check_budget: 45s     # the most one `telemetry check` may take, notifications included

    # Rules hold per series (each label set of the metric); `labels` keeps only series carrying them.
    # `duration` is how long the condition must hold before the alert fires (Prometheus's `for`).
    # Critical alerts not acknowledged `escalate_after` (default 15m) after firing also go to
    # `escalation_channels`.
    alert_rules:
      - id: "service_down"
        name: "Service Down"
        description: "Service is not responding to health checks"
        metric: "service.health.status"
        condition: "lt"
        threshold: 0.5
        duration: "30s"
        severity: "critical"
        notification_channels: ["webhook", "log"]

      - id: "high_cpu_usage"
        name: "High CPU Usage"
        description: "System CPU usage is above 80%"
        metric: "system.cpu.usage_percent"
        condition: "gt"
        threshold: 80.0
        duration: "2m"
        severity: "warning"
        notification_channels: ["log"]

      - id: "p2p_low_connectivity"
        name: "Low P2P Connectivity"
        description: "Number of P2P connections is below minimum"
        metric: "p2p.peer.connections"
        condition: "lt"
        threshold: 3.0
        duration: "1m"
        severity: "warning"
        notification_channels: ["webhook", "log"]

      - id: "high_response_time"
        name: "High Response Time"
        description: "Service response time is above acceptable threshold"
        metric: "service.response_time"
        condition: "gt"
        threshold: 1000.0  # 1 second
        duration: "30s"
        severity: "warning"
        notification_channels: ["log"]

      # Trace detectors (tracing.patterns): findings among the traces started since the previous check.
      - id: "slow_traces"
        name: "Slow Traces"
        description: "Traces slower than tracing.patterns.slow_service_call; see 'blackhole telemetry analyze'"
        metric: "trace.pattern.findings"
        labels: { pattern: "slow_service_call" }
        condition: "gt"
        threshold: 0
        duration: "0s"
        severity: "warning"
        notification_channels: ["log"]

      - id: "cascading_failures"
        name: "Cascading Failures"
        description: "Traces with several failing spans; see 'blackhole telemetry analyze'"
        metric: "trace.pattern.findings"
        labels: { pattern: "cascading_failures" }
        condition: "gt"
        threshold: 0
        duration: "0s"
        severity: "critical"
        notification_channels: ["webhook", "log"]

      # Rules on a series' history over `window` (at least 10m, at most storage.retention.metrics);
      # a series with fewer than min_samples samples there, or a quarter of it empty, is not judged.
      # - id: "disk_fills_soon"
      #   name: "Disk Fills Soon"
      #   metric: "system.disk.usage_percent"
      #   condition: "forecast"    # the trend over window (Theil-Sen) reaches threshold within horizon
      #   window: "6h"
      #   horizon: "4h"
      #   threshold: 95
      #   direction: "up"          # or down; without it, whichever way the trend goes
      #   duration: "10m"
      #   severity: "warning"
      #   notification_channels: ["log"]
      # - id: "load_unusual"
      #   name: "Unusual Load"
      #   metric: "system.cpu.load_average_1m"
      #   condition: "anomaly"     # the newest samples' median outside the window's median
      #   window: "6h"             # give or take `sensitivity` robust standard deviations
      #   sensitivity: 4
      #   direction: "up"          # up, down or both (default)
      #   duration: "10m"
      #   severity: "warning"
      #   notification_channels: ["log"]

    # webhook: POSTs JSON; config: url, timeout, headers, min_severity, group (one POST per run for
    # all alerts that changed state). log: one JSON line per alert; config: path (default stderr),
    # min_severity. alertmanager: Alertmanager's API v2, every firing alert on every run and the
    # resolution; config: urls (each member of the cluster), timeout, headers, min_severity.
    # email: mail through an SMTP server; config: host, port (587), tls (starttls; implicit on 465;
    # none), ca_file, username, password or password_file, from, to, timeout, min_severity, group.
    # slack: a Slack incoming webhook; config: url or url_file, timeout, min_severity, group.
    # pagerduty: an incident per alert (Events API v2; 'alerts ack' acknowledges it); config:
    # routing_key or routing_key_file, url, timeout, min_severity. Secrets may be "${ENV_NAME}".
    #   - name: "am"
    #     type: "alertmanager"
    #     config: { urls: ["http://alertmanager:9093"], timeout: "5s" }
    notification_channels:
      - name: "webhook"
        type: "webhook"
        config:
          url: "http://localhost:8080/alerts/webhook"
          timeout: "10s"

      - name: "log"
        type: "log"
        config:
          min_severity: "info"

    """

    /// The ids of the starter file's alert rules, read from it so that the two never disagree.
    public static let ruleIDs = ConfigDecoding.decode(yaml: text).0.alertRules.map(\.id)

    /// Writes the starter file; refuses to replace an existing one unless `force`.
    /// The write is atomic, so an interrupted `init` leaves either the old file or the new one.
    public static func write(to path: String, force: Bool) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw BlackholeError(.usage, "\(path): is a directory") }
            if !force { throw BlackholeError(.usage, "\(path): already exists (use --force to replace it)") }
        }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BlackholeError(.environment, "\(path): cannot write config file: \(FileErrors.reason(error))")
        }
    }
}
