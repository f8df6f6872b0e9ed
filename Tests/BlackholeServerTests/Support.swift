@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import NIOCore
@_exported import TestSupport

/// serve's state around a fresh database in a temporary folder, on a clock that stands still,
/// logging into memory. `app` is the HTTP application serve runs, with the real router.
final class ServeFixture: @unchecked Sendable {
    let folder: TemporaryDirectory
    let store: Store
    let clock: ManualClock
    let logs: RecordedLogs
    let state: ServeState

    init(config: BlackholeCore.Configuration = .init(), health: (any HealthRecords)? = nil, checks: CheckLoopStatus? = nil,
         maxBodyBytes: Int = 64 << 10) throws {
        let folder = TemporaryDirectory(), clock = ManualClock(), logs = RecordedLogs()
        let store = try Store(path: folder.file("telemetry.db"), concurrentReads: true)  // as serve opens it
        self.folder = folder
        self.store = store
        self.clock = clock
        self.logs = logs
        state = ServeState(config: config, store: store, clock: clock, health: health ?? HealthStore(store), spans: SpanStore(store),
                           receiver: OTLPReceiver(queue: CommitQueue(store: store), sampleRate: 1, maxBodyBytes: maxBodyBytes, clock: clock),
                           events: EventHub(), metrics: ServeMetrics(started: clock.now()), forwarder: nil, checks: checks,
                           logger: logs.logger)
    }

    deinit { state.receiver.queue.close() }

    func app(authToken: String? = nil, localOnly: Bool = true) -> some ApplicationProtocol {
        let router = HTTPRoutes.router(state, authToken: authToken, localOnly: localOnly)
        return Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                           configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logs.logger)
    }
}

/// What serve logged, as records a test can read.
final class RecordedLogs: @unchecked Sendable {
    struct Record {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
        let source: String
    }

    private let lock = NSLock()
    private var stored: [Record] = []

    /// serve's own records (not the HTTP server's).
    var records: [Record] { lock.withLock { stored }.filter { $0.source == "BlackholeServer" } }

    var logger: Logger {
        var logger = Logger(label: "blackhole") { _ in Handler(logs: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let logs: RecordedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let record = Record(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 },
                                source: event.source)
            logs.lock.withLock { logs.stored.append(record) }
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
}

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    func post(_ uri: String, _ body: String, contentType: String = "application/json", headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post(uri, Data(body.utf8), headers: headers.merging([.contentType: contentType]))
    }

    func post(_ uri: String, _ body: Data, headers: HTTPFields) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}

/// OTLP/JSON bodies as an SDK sends them.
enum OTLPBody {
    /// One span of service `service` that ended a second before `end`; a root span unless `parent` is given.
    static func trace(_ traceID: String, span spanID: String, name: String = "put", service: String = "storage", parent: String? = nil,
                      end: Date) -> String {
        let endNanos = Int64(end.timeIntervalSince1970 * 1e9)
        return """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(service)"}}]},"scopeSpans":[{"spans":[
             {"traceId":"\(traceID)","spanId":"\(spanID)",\(parent.map { "\"parentSpanId\":\"\($0)\"," } ?? "")"name":"\(name)",
              "startTimeUnixNano":"\(endNanos - 1_000_000_000)","endTimeUnixNano":"\(endNanos)"}]}]}]}
            """
    }

    /// One gauge data point, stamped by the receiver.
    static func gauge(_ name: String, _ value: Double) -> String {
        #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"\#(name)","gauge":{"dataPoints":[{"asDouble":\#(value)}]}}]}]}]}"#
    }
}

/// `gzip -c`, for request bodies.
func gzip(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    // Written from another thread: gzip's output pipe fills while its input is still being written.
    let writer = Thread {
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}
